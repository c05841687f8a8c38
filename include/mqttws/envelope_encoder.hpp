// Encodes what goes over the wire to clients. Each function runs once per
// message and wire form; the resulting text is shared by every recipient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqttws/history_store.hpp"
#include "mqttws/message.hpp"

namespace mqttws {

// What a plain client gets with --send payload, as Node-RED's websocket out sends it: bytes in
// a binary frame; text, JSON as published, a JSON string as its text (unquoted); nothing at all
// for an empty text.
struct PayloadFrame {
    std::string data;
    bool binary = false;
};
std::optional<PayloadFrame> encode_payload_frame(const Message& msg);

// The whole msg as JSON (plain mode with --send msg).
std::string encode_msg_json(const Message& msg);
// {"type":"message", ...msg fields...} (protocol mode). A message kept for
// recovery (--history) also carries its stream's "offset" and "epoch" (16 hex
// digits: a 64-bit number is not safe in a JavaScript number).
std::string encode_message_envelope(const Message& msg, const StreamPosition* position = nullptr);
// The epoch as it goes over the wire, and back; nullopt when `text` is not one.
std::string epoch_text(std::uint64_t epoch);
std::optional<std::uint64_t> parse_epoch(std::string_view text);

// Protocol-mode control frames. `id_json` is the request's id as JSON text
// ("null" when the request had none), echoed back verbatim.
std::string encode_welcome(std::string_view session_id);
std::string encode_ack(std::string_view id_json);
// The ack of a subscribe that asked for positions ("recover") or passed them
// back ("since"): {"type":"ack","id":…, "recovered":true|false, "reason":…,
// "topic":…, "positions":{topic:{"offset":N,"epoch":"…"}}, "positionsComplete":…}.
struct SubscribeAck {
    bool recovering = false;
    bool recovered = false;
    RecoveryStatus reason = RecoveryStatus::recovered;
    std::string_view topic;  // the topic the reason concerns
    const std::vector<std::pair<std::string, StreamPosition>>* positions = nullptr;
    bool positions_complete = true;
};
std::string encode_subscribe_ack(std::string_view id_json, const SubscribeAck& ack);
// Sent when a recovery under way finds messages gone after all (trimmed
// while the client drained): {"type":"recovery","recovered":false,...}.
std::string encode_recovery_lost(std::string_view topic);
std::string encode_error(std::string_view id_json, std::string_view code, std::string_view message);
std::string encode_status(bool mqtt_connected);
// {"type":"dropped","count":N}: messages a slow client missed (--slow-client drop).
std::string encode_dropped(std::uint64_t count);

// --events-topic payload: {"event":"connect"|"disconnect","session":...,
// "remote":...,"path":...,"subscriptions":[...]}, plus "user" (the token's or JWT's
// subject) when the client authenticated as someone: a backend learns whose session it is.
std::string encode_connection_event(std::string_view event, std::string_view session,
                                    std::string_view remote, std::string_view path,
                                    const std::vector<std::string>& subscriptions,
                                    std::string_view user = {});

}  // namespace mqttws
