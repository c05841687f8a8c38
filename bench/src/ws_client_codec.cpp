#include "ws_client_codec.hpp"

#include <strings.h>

namespace mwb::bench {

std::string ws_upgrade_request(std::string_view host_port, std::string_view path,
                               std::string_view subprotocol) {
    std::string request = "GET ";
    request.append(path);
    request += " HTTP/1.1\r\nHost: ";
    request.append(host_port);
    // A fixed key: the generator does not check the accept hash, so a random one buys nothing.
    request +=
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!subprotocol.empty()) {
        request += "Sec-WebSocket-Protocol: ";
        request.append(subprotocol);
        request += "\r\n";
    }
    request += "\r\n";
    return request;
}

HandshakeResponse parse_upgrade_response(std::string_view buffer) {
    HandshakeResponse response;
    const auto end = buffer.find("\r\n\r\n");
    if (end == std::string_view::npos) return response;
    const std::string_view head = buffer.substr(0, end + 2);
    response.consumed = end + 4;
    const auto first_eol = head.find("\r\n");
    response.status_line = std::string(head.substr(0, first_eol));
    const bool switching = response.status_line.size() >= 12 &&
                           response.status_line.compare(0, 5, "HTTP/") == 0 &&
                           response.status_line.find(" 101") != std::string::npos;
    response.status = switching ? HandshakeStatus::Accepted : HandshakeStatus::Refused;

    constexpr std::string_view kSessionHeader = "x-session-id:";
    std::size_t line_start = first_eol + 2;
    while (line_start < head.size()) {
        const auto eol = head.find("\r\n", line_start);
        const std::string_view line = head.substr(line_start, eol - line_start);
        if (line.size() > kSessionHeader.size() &&
            strncasecmp(line.data(), kSessionHeader.data(), kSessionHeader.size()) == 0) {
            std::string_view value = line.substr(kSessionHeader.size());
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
            response.session_id = std::string(value);
        }
        line_start = eol + 2;
    }
    return response;
}

FrameView parse_server_frame(std::string_view buffer) {
    FrameView frame;
    if (buffer.size() < 2) return frame;
    const auto b0 = static_cast<std::uint8_t>(buffer[0]);
    const auto b1 = static_cast<std::uint8_t>(buffer[1]);
    if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0) {  // reserved bits, or a masked server frame
        frame.status = FrameStatus::Invalid;
        return frame;
    }
    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7F;
    if (length == 126) {
        header = 4;
        if (buffer.size() < header) return frame;
        length = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(buffer[2])) << 8) |
                 static_cast<std::uint8_t>(buffer[3]);
    } else if (length == 127) {
        header = 10;
        if (buffer.size() < header) return frame;
        length = 0;
        for (int i = 2; i < 10; ++i) length = (length << 8) | static_cast<std::uint8_t>(buffer[i]);
    }
    if (length > buffer.size() - header) return frame;
    frame.status = FrameStatus::Complete;
    frame.fin = (b0 & 0x80) != 0;
    frame.opcode = static_cast<WsOpcode>(b0 & 0x0F);
    frame.payload = buffer.substr(header, length);
    frame.consumed = header + length;
    return frame;
}

void append_masked_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                         std::uint32_t mask_key) {
    out += static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
    const std::size_t length = payload.size();
    if (length < 126) {
        out += static_cast<char>(0x80 | length);
    } else if (length <= 0xFFFF) {
        out += static_cast<char>(0x80 | 126);
        out += static_cast<char>(length >> 8);
        out += static_cast<char>(length & 0xFF);
    } else {
        out += static_cast<char>(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out += static_cast<char>((static_cast<std::uint64_t>(length) >> shift) & 0xFF);
        }
    }
    const char mask[4] = {static_cast<char>(mask_key >> 24), static_cast<char>(mask_key >> 16),
                          static_cast<char>(mask_key >> 8), static_cast<char>(mask_key)};
    out.append(mask, 4);
    const std::size_t start = out.size();
    out.append(payload);
    for (std::size_t i = 0; i < length; ++i) out[start + i] ^= mask[i % 4];
}

}  // namespace mwb::bench
