// The bridge's protocol mode (subprotocol mqtt-ws-bridge.v1) as the recovery scenario
// speaks it: subscribe requests asking for positions or recovering from them, and the
// acks, message envelopes and recovery notices read back. Pure, so it is unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mwb::bench {

inline constexpr std::string_view kProtocolName = "mqtt-ws-bridge.v1";

// Where a client is in one topic's stream: the offset of the last message it had and the
// stream's epoch (16 hex digits, compared as text).
struct StreamPosition {
    std::uint64_t offset = 0;
    std::string epoch;
    bool operator==(const StreamPosition& other) const {
        return offset == other.offset && epoch == other.epoch;
    }
};
using PositionMap = std::map<std::string, StreamPosition, std::less<>>;  // by topic

// {"op":"subscribe","id":1,"topics":[filter],"recover":true}, or with "since": `since`.
std::string subscribe_request(std::string_view filter, const PositionMap* since);

enum class FrameType { Welcome, Ack, Message, Recovery, Other, Invalid };

struct ProtocolFrame {
    FrameType type = FrameType::Invalid;
    std::string topic;                       // a message's; a recovered:false ack's or notice's
    std::optional<StreamPosition> position;  // a message's, when the bridge keeps its topic
    std::optional<bool> recovered;           // an ack's (absent without "since") or a notice's
    std::string reason;                      // with recovered:false
    std::optional<PositionMap> positions;    // an ack's, with "recover":true
    bool positions_complete = true;
};

// Invalid for text that is not a JSON object with a string "type".
ProtocolFrame parse_protocol_frame(std::string_view text);

}  // namespace mwb::bench
