#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/deadline.hpp"
#include "harness/ws_client_types.hpp"
#include "harness/ws_frame.hpp"

namespace mwb::it {

// One WebSocket client connection owned by a WsClientPool (which runs its I/O). Everything the
// server sends is recorded; all waits take a deadline. Thread-safe.
class WsConnection {
  public:
    enum class State { connecting, open, failed, closed };

    WsConnection(WsClientEndpoint& endpoint, std::string uri);
    WsConnection(const WsConnection&) = delete;
    WsConnection& operator=(const WsConnection&) = delete;

    const std::string& uri() const { return uri_; }
    State state() const;

    // Waits until the handshake succeeded (true) or failed / the deadline passed (false).
    bool wait_open(const Deadline& deadline);

    // After a failed handshake: the HTTP status, reason phrase and whatever body websocketpp
    // read with the head (may be incomplete; use HttpClient for exact bodies).
    int response_code() const;
    std::string response_reason() const;
    std::string response_body() const;
    // Why the connection failed or closed, as websocketpp reports it.
    std::string error() const;

    // From the handshake response.
    std::string session_id() const;   // the X-Session-Id header
    std::string subprotocol() const;  // the Sec-WebSocket-Protocol response header

    // Received frames, in arrival order.
    bool wait_for_messages(std::size_t count, const Deadline& deadline);
    std::optional<WsFrame> next_message(const Deadline& deadline);  // consumes in order
    std::vector<WsFrame> messages() const;                          // all, consumed or not
    std::size_t message_count() const;

    void send_text(const std::string& text);
    void close(std::uint16_t code = 1000, const std::string& reason = "");

    // Waits until the connection is closed (or failed).
    bool wait_closed(const Deadline& deadline);
    // The close frame the server sent (0 / "" before; 1006 when it vanished without one).
    int remote_close_code() const;
    std::string remote_close_reason() const;

    // One line about state, response and traffic, for failure messages.
    std::string describe() const;

  private:
    friend class WsClientPool;
    // Called on the pool's I/O thread.
    void start(const std::optional<std::string>& subprotocol);
    void on_open(WsClientEndpoint::connection_ptr con);
    void on_fail(WsClientEndpoint::connection_ptr con);
    void on_close(WsClientEndpoint::connection_ptr con);
    void on_message(WsClientEndpoint::message_ptr message);

    WsClientEndpoint& endpoint_;
    const std::string uri_;
    websocketpp::connection_hdl handle_;  // I/O thread only

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    State state_ = State::connecting;
    bool was_open_ = false;
    int response_code_ = 0;
    std::string response_reason_;
    std::string response_body_;
    std::string error_;
    std::string session_id_;
    std::string subprotocol_;
    std::vector<WsFrame> frames_;
    std::size_t next_ = 0;
    int remote_close_code_ = 0;
    std::string remote_close_reason_;
};

}  // namespace mwb::it
