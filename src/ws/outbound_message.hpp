// One broker message on its way to clients: the decoded msg plus its wire
// frames, each built at most once (on first use, by whichever shard needs it
// first) and then shared by every recipient on every shard.
#pragma once

#include <array>
#include <memory>
#include <mutex>

#include "mqttws/message.hpp"
#include "mqttws/router.hpp"
#include "ws/server_config.hpp"

namespace mqttws::ws {

class OutboundMessage {
  public:
    explicit OutboundMessage(MessagePtr message) : message_(std::move(message)) {}

    const Message& message() const { return *message_; }

    // A prepared (already framed) websocketpp message: websocketpp queues it
    // unchanged, so all recipients share one buffer.
    const FramePtr& frame(WireForm form) const;

  private:
    MessagePtr message_;
    mutable std::array<std::once_flag, wire_form_count> built_;
    mutable std::array<FramePtr, wire_form_count> frames_;
};

using OutboundMessagePtr = std::shared_ptr<const OutboundMessage>;

// Frames `payload` as one unmasked server-to-client message.
FramePtr make_prepared_frame(websocketpp::frame::opcode::value opcode, const std::string& payload);

}  // namespace mqttws::ws
