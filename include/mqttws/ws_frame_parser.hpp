// Incremental parser of client-to-server WebSocket frames (RFC 6455) and the server's frame
// encoder, kept pure (no I/O, no exceptions for bad input) so the socket code only moves bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mqttws {

// Frame opcodes (RFC 6455 section 5.2).
namespace ws_opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace ws_opcode

// Close codes the server sends (RFC 6455 section 7.4.1).
namespace ws_close {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t no_status = 1005;  // never sent: the peer's close had no code
inline constexpr std::uint16_t abnormal = 1006;   // never sent: no close frame at all
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace ws_close

// What the parser reports, in the order the frames arrived.
class WsFrameSink {
  public:
    // A complete data message (all fragments joined, unmasked). Text messages are valid UTF-8.
    virtual void on_message(const std::string& payload, bool binary) = 0;
    virtual void on_ping(std::string_view payload) = 0;
    virtual void on_pong(std::string_view payload) = 0;
    // The peer's close frame: its code (ws_close::no_status when the frame had no payload) and
    // reason.
    virtual void on_close(std::uint16_t code, std::string_view reason) = 0;
    // The peer broke the protocol: the code to close with (1002, 1007 or 1009) and a short reason
    // for the close frame and the log (ASCII, well under 123 bytes).
    virtual void on_protocol_error(std::uint16_t code, std::string_view reason) = 0;

  protected:
    ~WsFrameSink() = default;
};

// One per connection, so it stays small (see the static_assert in ws_frame_parser.cpp): the
// header's bytes and a few counters; the message buffer holds bytes only while a message (or a
// control frame split across reads) is in progress.
class WsFrameParser {
  public:
    // max_message_size: the largest data message accepted (sum of its fragments' payloads); one
    // byte more is 1009.
    explicit WsFrameParser(std::size_t max_message_size);

    // Parses `size` bytes read from the client (any split: a byte at a time works), calling `sink`
    // for each event completed by them. The buffer is the caller's and may be modified in place
    // (e.g. unmasked) by the parser. After on_close or on_protocol_error the parser is stopped:
    // this and later calls report nothing more and ignore their bytes.
    void feed(char* data, std::size_t size, WsFrameSink& sink);

    bool stopped() const { return state_ == State::stopped; }
    // Whether the parser holds bytes of an incomplete frame or message (for diagnostics/tests).
    bool mid_frame() const;

  private:
    enum class State : std::uint8_t { header, payload, stopped };

    // Each returns false when it stopped the parser.
    bool header_checkpoint(WsFrameSink& sink);
    bool finish_frame(WsFrameSink& sink);
    bool deliver_control(std::uint8_t opcode, std::string_view payload, WsFrameSink& sink);
    bool finish_message(WsFrameSink& sink);
    void fail(std::uint16_t code, std::string_view reason, WsFrameSink& sink);
    void release_buffer();

    std::size_t header_needed() const;
    std::uint8_t opcode() const { return header_[0] & 0x0F; }
    bool fin() const { return (header_[0] & 0x80) != 0; }
    bool is_control() const { return (header_[0] & 0x08) != 0; }

    // The data message so far; a control frame split across feeds is gathered after it and cut
    // off again once reported.
    std::string buffer_;
    std::size_t max_message_size_;
    std::uint64_t frame_length_ = 0;
    std::uint64_t frame_remaining_ = 0;
    unsigned char header_[14] = {};
    std::uint8_t header_have_ = 0;
    std::uint8_t message_opcode_ = 0;  // 0: no data message in progress, else 1 text, 2 binary
    State state_ = State::header;
    unsigned char mask_[4] = {};
};

// The header of a server-to-client frame (FIN set, unmasked, the shortest
// length form) of a control or data opcode: 0x1 text, 0x2 binary, 0x8 close,
// 0x9 ping, 0xA pong. The payload follows it as it is.
std::string ws_frame_header(std::uint8_t opcode, std::uint64_t payload_size);
// The payload of a close frame: the code big-endian, then the reason cut to at most 123 bytes
// without splitting a UTF-8 sequence.
std::string encode_close_payload(std::uint16_t code, std::string_view reason);

}  // namespace mqttws
