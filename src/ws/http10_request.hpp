// Role: websocketpp glue. The HTTP request parser of every connection:
// websocketpp's, except that an HTTP/1.0 request without a Host header is
// answered instead of refused. websocketpp demands Host of every request (400
// "Incomplete Request"), as HTTP/1.1 must (RFC 9112 section 3.2); HTTP/1.0
// has no Host, and its clients (probes, `curl -0`, old load balancers) get
// an answer. HTTP/1.1 without Host is still 400.
//
// websocketpp calls `m_request.consume` on its configured request type, so
// this type's consume hides the base's. It finds where the head ends and,
// just before the base parser reads the blank line that ends it, gives a
// Host-less HTTP/1.0 request a placeholder Host that names no real host.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <websocketpp/http/request.hpp>

namespace mqttws::ws {

class Http10Request : public websocketpp::http::parser::request {
    using base = websocketpp::http::parser::request;

  public:
    // ".invalid" (RFC 6761): matches no allow-list of real host names.
    static constexpr std::string_view placeholder_host = "http-1-0-without-host.invalid";

    std::size_t consume(const char* buf, std::size_t len) {
        if (head_seen_) return base::consume(buf, len);
        // The blank line may begin in an earlier read: its last bytes lead.
        std::string window(tail_.data(), tail_size_);
        window.append(buf, len);
        const std::size_t end = window.find("\r\n\r\n");
        if (end == std::string::npos) {
            tail_size_ = static_cast<std::uint8_t>(std::min(window.size(), tail_.size()));
            window.copy(tail_.data(), tail_size_, window.size() - tail_size_);
            return base::consume(buf, len);
        }
        head_seen_ = true;
        // Up to the line break that ends the last header line: the base
        // parser takes every header line, and not yet the blank line.
        const std::size_t split = std::min(len, end + 2 > tail_size_ ? end + 2 - tail_size_ : 0);
        const std::size_t used = split > 0 ? base::consume(buf, split) : 0;
        if (get_version() == "HTTP/1.0" && get_header("Host").empty()) {
            replace_header("Host", std::string(placeholder_host));
        }
        return used + base::consume(buf + split, len - split);
    }

  private:
    // The last bytes read so far, until the head is complete. Small: every
    // connection, idle ones too, keeps its request object.
    std::array<char, 3> tail_{};
    std::uint8_t tail_size_ = 0;
    bool head_seen_ = false;
};

}  // namespace mqttws::ws
