// Role: frames. A WebSocket frame as the bridge sends it: a prepared (already framed)
// websocketpp message, built once and shared by every recipient.
#pragma once

#include <websocketpp/message_buffer/alloc.hpp>
#include <websocketpp/message_buffer/message.hpp>

namespace mqttws::ws {

using FrameMessage =
    websocketpp::message_buffer::message<websocketpp::message_buffer::alloc::con_msg_manager>;
using FramePtr = FrameMessage::ptr;

// What became of one write of frames handed to a socket.
enum class FrameWrite {
    done,     // the kernel took every byte
    pending,  // under way: the socket's owner reports when it completes
    failed,   // the socket is broken or closing: nothing more can be written
};

}  // namespace mqttws::ws
