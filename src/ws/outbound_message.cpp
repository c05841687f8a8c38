// Role: frames (see outbound_message.hpp).
#include "ws/outbound_message.hpp"

#include "mqttws/envelope_encoder.hpp"
#include "mqttws/ws_frame_parser.hpp"

namespace mqttws::ws {

FramePtr make_prepared_frame(websocketpp::frame::opcode::value opcode, const std::string& payload) {
    // The manager is only a recycling hint; messages outlive it safely.
    auto frame_ptr =
        std::make_shared<FrameMessage>(PlainConfig::con_msg_manager_type::ptr(), opcode, 0);
    frame_ptr->set_header(ws_frame_header(static_cast<std::uint8_t>(opcode), payload.size()));
    frame_ptr->set_payload(payload);
    frame_ptr->set_prepared(true);
    return frame_ptr;
}

FramePtr OutboundMessage::build(WireForm form) const {
    return build(form, *message_, history_ ? &history_->position : nullptr);
}

FramePtr OutboundMessage::build(WireForm form, const Message& msg, const StreamPosition* position) {
    using websocketpp::frame::opcode::binary;
    using websocketpp::frame::opcode::text;
    switch (form) {
        case WireForm::payload: {
            // No frame at all for an empty text, as Node-RED's websocket out.
            const auto payload = encode_payload_frame(msg);
            if (!payload) return nullptr;
            return make_prepared_frame(payload->binary ? binary : text, payload->data);
        }
        case WireForm::msg_json:
            return make_prepared_frame(text, encode_msg_json(msg));
        case WireForm::envelope:
            break;
    }
    return make_prepared_frame(text, encode_message_envelope(msg, position));
}

const FramePtr& OutboundMessage::frame(WireForm form) const {
    const auto index = static_cast<std::size_t>(form);
    if (!built_[index].load(std::memory_order_acquire)) {
        const std::lock_guard<std::mutex> lock(building_);
        if (!built_[index].load(std::memory_order_relaxed)) {
            frames_[index] = build(form);
            built_[index].store(true, std::memory_order_release);
        }
    }
    return frames_[index];
}

FramePtr OutboundMessage::frame_for_replay(WireForm form,
                                           std::chrono::steady_clock::time_point now) const {
    const Message& msg = *message_;
    if (msg.message_expiry_interval) {
        const auto waited =
            std::chrono::duration_cast<std::chrono::seconds>(now - msg.arrival).count();
        if (waited >= *msg.message_expiry_interval) return nullptr;
        // The payload alone says nothing of expiry; the msg forms do.
        if (form != WireForm::payload && waited > 0) {
            Message left = msg;
            left.message_expiry_interval =
                *msg.message_expiry_interval - static_cast<std::uint32_t>(waited);
            return build(form, left, history_ ? &history_->position : nullptr);
        }
    }
    const auto index = static_cast<std::size_t>(form);
    if (built_[index].load(std::memory_order_acquire)) return frames_[index];
    return build(form);
}

}  // namespace mqttws::ws
