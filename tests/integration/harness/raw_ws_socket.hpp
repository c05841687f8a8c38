#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/deadline.hpp"
#include "harness/http_client.hpp"

namespace mwb::it {

// One WebSocket frame as it came off the wire (no reassembly of fragments).
struct RawFrame {
    static constexpr std::uint8_t kContinuation = 0x0;
    static constexpr std::uint8_t kText = 0x1;
    static constexpr std::uint8_t kBinary = 0x2;
    static constexpr std::uint8_t kClose = 0x8;
    static constexpr std::uint8_t kPing = 0x9;
    static constexpr std::uint8_t kPong = 0xA;

    bool fin = true;
    std::uint8_t opcode = 0;
    std::string payload;

    // For close frames: the status code (1005 when the frame carries none) and the reason.
    int close_code() const;
    std::string close_reason() const;
    std::string describe() const;
};

// A WebSocket client written by hand over a blocking TCP socket to 127.0.0.1: it does only what
// the test tells it to. It never reads on its own (a client that stops reading is one that simply
// is not asked to read), never answers pings, and can send any bytes at all (half a handshake,
// garbage, unmasked or invalid frames). Not thread-safe: one test thread drives it.
class RawWsSocket {
  public:
    // Connects to 127.0.0.1:port. A `receive_buffer` > 0 sets SO_RCVBUF before connecting, so a
    // client that stops reading fills up after fewer bytes (the kernel may round it up).
    explicit RawWsSocket(std::uint16_t port, int receive_buffer = 0);
    ~RawWsSocket();
    RawWsSocket(const RawWsSocket&) = delete;
    RawWsSocket& operator=(const RawWsSocket&) = delete;

    // Sends an upgrade request for `resource` (optionally asking for `subprotocol`) and reads the
    // response head. Bytes after the head (the first frames) stay buffered for read_frame().
    // On a refusal the body is read up to Content-Length. Network errors land in `error`.
    HttpResponse handshake(const std::string& resource, const std::string& subprotocol = "",
                           const Deadline& deadline = std::chrono::seconds(10));

    // Reads an HTTP response (head, then body up to Content-Length) after raw request bytes.
    HttpResponse read_http_response(const Deadline& deadline);

    // Writes all of `bytes`; false when the peer is gone or the deadline passed.
    bool send_bytes(std::string_view bytes, const Deadline& deadline = std::chrono::seconds(10));

    // A single masked frame (as a client must send) with this opcode, payload and FIN bit.
    bool send_frame(std::uint8_t opcode, std::string_view payload, bool fin = true);
    bool send_text(std::string_view text) { return send_frame(RawFrame::kText, text); }

    // The next frame, or nullopt at the deadline or when the peer closed the TCP connection
    // (then peer_closed() is true). A partial frame stays buffered for the next call.
    std::optional<RawFrame> read_frame(const Deadline& deadline);

    // Reads frames, discarding data frames and pings, until a close frame arrives; nullopt when
    // the TCP connection ends first or the deadline passes.
    std::optional<RawFrame> read_until_close_frame(const Deadline& deadline);

    // Reads and discards everything until the peer closes the TCP connection (EOF or reset).
    bool wait_peer_closed(const Deadline& deadline);

    bool peer_closed() const { return peer_closed_; }
    std::uint64_t bytes_received() const { return bytes_received_; }
    // The last socket error ("" if none), for failure messages.
    const std::string& error() const { return error_; }

    // The upgrade request the handshake sends (for tests that send only part of it).
    static std::string upgrade_request(std::uint16_t port, const std::string& resource,
                                       const std::string& subprotocol = "");

  private:
    // Reads what is available into buffer_, waiting until the deadline for something to come.
    // False on timeout or when the peer closed.
    bool fill(const Deadline& deadline);

    int fd_ = -1;
    std::uint16_t port_;
    std::string buffer_;  // received, not yet consumed
    std::uint64_t bytes_received_ = 0;
    bool peer_closed_ = false;
    std::string error_;
};

}  // namespace mwb::it
