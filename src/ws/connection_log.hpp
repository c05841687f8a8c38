// Role: logging. The log lines of a WebSocket connection's life, at info: open, close,
// refusal. Each names the session, the peer and the path, never the query
// string (it may carry credentials) nor a payload.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mqttws::ws {

struct ConnectionFacts {
    std::string_view session;
    std::string_view remote;
    std::string_view resource;  // path and query as requested; only the path is logged
};

void log_connection_open(const ConnectionFacts& facts, bool protocol, std::size_t filters);

struct CloseFacts {
    int code = 0;             // the peer's close code (1006: no close frame)
    std::string_view reason;  // the peer's close reason
    std::string error;        // what ended the transport, if it failed
    std::chrono::steady_clock::duration open_for{};
    std::uint64_t delivered = 0;  // frames handed to this connection
    bool was_open = false;        // false: the handshake never completed
};

void log_connection_closed(const ConnectionFacts& facts, const CloseFacts& close);

// A WebSocket handshake refused.
void log_refused(std::string_view remote, std::string_view resource, int status,
                 std::string_view reason);
// A plain HTTP request refused (e.g. /metrics without the admin token).
void log_http_refused(std::string_view remote, std::string_view resource, int status,
                      std::string_view reason);

}  // namespace mqttws::ws
