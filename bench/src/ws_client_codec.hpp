// The client side of RFC 6455, only what a load generator needs: the upgrade request,
// reading the 101 response (and the bridge's X-Session-Id), splitting server frames out of
// a read buffer without copying, and masked frames for sending.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mwb::bench {

// With a `subprotocol`, the request asks for it (Sec-WebSocket-Protocol).
std::string ws_upgrade_request(std::string_view host_port, std::string_view path,
                               std::string_view subprotocol = {});

enum class HandshakeStatus { Incomplete, Accepted, Refused };
struct HandshakeResponse {
    HandshakeStatus status = HandshakeStatus::Incomplete;
    std::size_t consumed = 0;  // bytes of the response head, frames may follow
    std::string session_id;    // X-Session-Id, empty when absent
    std::string status_line;   // for a refusal's message
};
HandshakeResponse parse_upgrade_response(std::string_view buffer);

enum class WsOpcode : std::uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA
};

enum class FrameStatus { Incomplete, Complete, Invalid };
struct FrameView {
    FrameStatus status = FrameStatus::Incomplete;
    WsOpcode opcode = WsOpcode::Text;
    bool fin = true;
    std::string_view payload;  // points into the parsed buffer
    std::size_t consumed = 0;
};
// Parses one unmasked (server-to-client) frame from the start of `buffer`.
FrameView parse_server_frame(std::string_view buffer);

// Appends one masked (client-to-server) frame to `out`.
void append_masked_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                         std::uint32_t mask_key);

}  // namespace mwb::bench
