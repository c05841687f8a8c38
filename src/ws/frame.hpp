// Role: frames. A WebSocket frame as the bridge sends it: a prepared (already framed)
// websocketpp message, built once and shared by every recipient.
#pragma once

#include <websocketpp/message_buffer/alloc.hpp>
#include <websocketpp/message_buffer/message.hpp>

namespace mqttws::ws {

using FrameMessage =
    websocketpp::message_buffer::message<websocketpp::message_buffer::alloc::con_msg_manager>;
using FramePtr = FrameMessage::ptr;

}  // namespace mqttws::ws
