#include "ws/outbound_message.hpp"

#include <cstdint>

#include "mqttws/envelope_encoder.hpp"

namespace mqttws::ws {

namespace {

// RFC 6455 section 5.2 header of one unmasked, final frame. Written here
// rather than with websocketpp's extended_header, whose byte-order helper
// initialises a static without synchronisation (a data race when two shards
// frame at once; ThreadSanitizer saw it).
std::string frame_header(websocketpp::frame::opcode::value opcode, std::uint64_t size) {
    std::string header;
    header += static_cast<char>(0x80 | (static_cast<unsigned>(opcode) & 0x0F));
    if (size < 126) {
        header += static_cast<char>(size);
    } else if (size <= 0xFFFF) {
        header += static_cast<char>(126);
        for (int shift = 8; shift >= 0; shift -= 8) header += static_cast<char>(size >> shift);
    } else {
        header += static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>(size >> shift);
    }
    return header;
}

}  // namespace

FramePtr make_prepared_frame(websocketpp::frame::opcode::value opcode, const std::string& payload) {
    // The manager is only a recycling hint; messages outlive it safely.
    auto frame_ptr = std::make_shared<ShardConfig::message_type>(
        ShardConfig::con_msg_manager_type::ptr(), opcode, 0);
    frame_ptr->set_header(frame_header(opcode, payload.size()));
    frame_ptr->set_payload(payload);
    frame_ptr->set_prepared(true);
    return frame_ptr;
}

const FramePtr& OutboundMessage::frame(WireForm form) const {
    const auto index = static_cast<std::size_t>(form);
    std::call_once(built_[index], [&] {
        using websocketpp::frame::opcode::binary;
        using websocketpp::frame::opcode::text;
        const Message& msg = *message_;
        switch (form) {
            case WireForm::payload:
                frames_[index] = make_prepared_frame(
                    msg.kind == PayloadKind::binary ? binary : text, msg.payload);
                break;
            case WireForm::msg_json:
                frames_[index] = make_prepared_frame(text, encode_msg_json(msg));
                break;
            case WireForm::envelope:
                frames_[index] = make_prepared_frame(text, encode_message_envelope(msg));
                break;
        }
    });
    return frames_[index];
}

}  // namespace mqttws::ws
