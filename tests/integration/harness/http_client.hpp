#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "harness/deadline.hpp"

namespace mwb::it {

struct HttpResponse {
    int status = 0;      // 0 when no response was read (see `error`)
    std::string reason;  // the status line's reason phrase
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;  // connect/read failure or "timeout"; empty on success

    // The first header with this name (case-insensitive), "" if absent.
    std::string header(const std::string& name) const;
    std::string describe() const;
};

// A raw HTTP/1.1 GET over a plain Boost.Asio socket to 127.0.0.1, bounded by a deadline. The
// body is read up to Content-Length (or to EOF without one). Never throws for network errors:
// they land in HttpResponse::error.
class HttpClient {
  public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    static HttpResponse get(std::uint16_t port, const std::string& target,
                            const Headers& extra_headers = {},
                            const Deadline& deadline = std::chrono::seconds(10));

    // Sends `request` byte for byte (any method, version or headers) and reads until the server
    // closes the connection. The body is everything after the head, whatever Content-Length
    // says, so an answer to HEAD that carries a body shows it.
    static HttpResponse exchange(std::uint16_t port, const std::string& request,
                                 const Deadline& deadline = std::chrono::seconds(10));

    // The headers of a WebSocket upgrade request (optionally with a subprotocol), to check
    // how the server refuses a handshake.
    static Headers websocket_upgrade_headers(const std::string& subprotocol = "");
};

}  // namespace mwb::it
