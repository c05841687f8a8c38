#include "ws_client_codec.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(WsClientCodec, UpgradeRequestNamesPathAndHost) {
    const std::string request = ws_upgrade_request("127.0.0.1:8080", "/ws/a/%23");
    EXPECT_EQ(request.rfind("GET /ws/a/%23 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", 0), 0u);
    EXPECT_NE(request.find("Upgrade: websocket\r\n"), std::string::npos);
    EXPECT_EQ(request.substr(request.size() - 4), "\r\n\r\n");
    EXPECT_EQ(request.find("Sec-WebSocket-Protocol"), std::string::npos);
}

TEST(WsClientCodec, UpgradeRequestAsksForASubprotocol) {
    const std::string request = ws_upgrade_request("127.0.0.1:8080", "/ws", "mqtt-ws-bridge.v1");
    EXPECT_NE(request.find("\r\nSec-WebSocket-Protocol: mqtt-ws-bridge.v1\r\n"), std::string::npos);
    EXPECT_EQ(request.substr(request.size() - 4), "\r\n\r\n");
}

TEST(WsClientCodec, AcceptedResponseWithSessionAndAFollowingFrame) {
    const std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        "x-session-ID:  abc123 \r\n\r\n\x81\x02hi";
    const auto parsed = parse_upgrade_response(response);
    EXPECT_EQ(parsed.status, HandshakeStatus::Accepted);
    EXPECT_EQ(parsed.session_id, "abc123");
    EXPECT_EQ(response.substr(parsed.consumed), "\x81\x02hi");
}

TEST(WsClientCodec, RefusedAndIncompleteResponses) {
    EXPECT_EQ(parse_upgrade_response("HTTP/1.1 400 Bad Request\r\n\r\n").status,
              HandshakeStatus::Refused);
    EXPECT_EQ(parse_upgrade_response("HTTP/1.1 101 Switching").status, HandshakeStatus::Incomplete);
}

TEST(WsClientCodec, ParsesShortMediumAndLongFrames) {
    for (const std::size_t size : {5u, 126u, 70000u}) {
        std::string frame = "\x82";
        if (size < 126) {
            frame += static_cast<char>(size);
        } else if (size <= 0xFFFF) {
            frame += '\x7E';
            frame += static_cast<char>(size >> 8);
            frame += static_cast<char>(size & 0xFF);
        } else {
            frame += '\x7F';
            for (int shift = 56; shift >= 0; shift -= 8)
                frame += static_cast<char>((size >> shift) & 0xFF);
        }
        frame += std::string(size, 'p');
        const FrameView complete = parse_server_frame(frame + "next");
        ASSERT_EQ(complete.status, FrameStatus::Complete) << size;
        EXPECT_EQ(complete.opcode, WsOpcode::Binary);
        EXPECT_EQ(complete.payload.size(), size);
        EXPECT_EQ(complete.consumed, frame.size());
        EXPECT_EQ(parse_server_frame(frame.substr(0, frame.size() - 1)).status,
                  FrameStatus::Incomplete);
    }
}

TEST(WsClientCodec, RefusesMaskedOrReservedServerFrames) {
    EXPECT_EQ(parse_server_frame(std::string("\x81\x82\x00\x00\x00\x00hi", 8)).status,
              FrameStatus::Invalid);
    EXPECT_EQ(parse_server_frame("\xC1\x02hi").status, FrameStatus::Invalid);
}

TEST(WsClientCodec, MaskedFrameUnmasksToThePayload) {
    std::string frame;
    append_masked_frame(frame, WsOpcode::Text, "hello", 0x01020304);
    ASSERT_EQ(frame.size(), 2u + 4u + 5u);
    EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x81);
    EXPECT_EQ(static_cast<unsigned char>(frame[1]), 0x80 | 5);
    std::string unmasked;
    for (std::size_t i = 0; i < 5; ++i)
        unmasked += static_cast<char>(frame[6 + i] ^ frame[2 + i % 4]);
    EXPECT_EQ(unmasked, "hello");
}

}  // namespace
}  // namespace mwb::bench
