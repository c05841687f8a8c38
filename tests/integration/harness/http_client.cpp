#include "harness/http_client.hpp"

#include <strings.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>

namespace mwb::it {
namespace {

using boost::asio::ip::tcp;

enum class ReadUntil { content_length, eof };

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

// Parses the status line and headers once "\r\n\r\n" has arrived. Returns the offset of the
// body, or nullopt while the head is incomplete.
std::optional<std::size_t> parse_head(const std::string& raw, HttpResponse& response) {
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    std::istringstream head(raw.substr(0, end));
    std::string line;
    std::getline(head, line);
    std::istringstream status_line(line);
    std::string version;
    status_line >> version >> response.status;
    std::getline(status_line, response.reason);
    response.reason = trim(response.reason);
    response.headers.clear();
    while (std::getline(head, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        response.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return end + 4;
}

HttpResponse send_and_read(std::uint16_t port, const std::string& request, ReadUntil until,
                           const Deadline& deadline) {
    HttpResponse response;
    // The io_context outlives the socket and every handler's captures: handlers still pending
    // when the deadline passes are destroyed with it, never invoked.
    boost::asio::io_context io;
    std::string raw;
    std::array<char, 4096> buffer{};
    bool done = false;
    std::optional<std::size_t> body_offset;
    tcp::socket socket(io);

    auto finish = [&](const std::string& error) {
        if (!error.empty() && response.error.empty()) response.error = error;
        done = true;
    };
    // Complete once the body announced by Content-Length has arrived; without one, at EOF
    // (or right after the head for a successful 101 upgrade, whose connection stays open).
    // Reading until EOF ignores Content-Length.
    auto complete = [&]() -> bool {
        if (!body_offset) body_offset = parse_head(raw, response);
        if (!body_offset || until == ReadUntil::eof) return false;
        const std::string length = response.header("Content-Length");
        if (!length.empty()) {
            return raw.size() - *body_offset >= std::strtoull(length.c_str(), nullptr, 10);
        }
        return response.status == 101;
    };
    std::function<void()> read_more = [&] {
        socket.async_read_some(boost::asio::buffer(buffer),
                               [&](const boost::system::error_code& ec, std::size_t n) {
                                   raw.append(buffer.data(), n);
                                   if (complete()) return finish("");
                                   if (ec == boost::asio::error::eof) {
                                       return finish(body_offset ? "" : "EOF before a response");
                                   }
                                   if (ec) return finish(ec.message());
                                   read_more();
                               });
    };
    socket.async_connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), port),
                         [&](const boost::system::error_code& ec) {
                             if (ec) return finish("connect: " + ec.message());
                             boost::asio::async_write(
                                 socket, boost::asio::buffer(request),
                                 [&](const boost::system::error_code& wec, std::size_t) {
                                     if (wec) return finish("write: " + wec.message());
                                     read_more();
                                 });
                         });
    while (!done && !deadline.expired()) {
        io.run_one_for(deadline.remaining());
    }
    if (!done) response.error = "timeout";
    if (body_offset) {
        response.body = raw.substr(*body_offset);
    }
    if (!done && !body_offset) response.status = 0;
    return response;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (::strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    }
    return {};
}

std::string HttpResponse::describe() const {
    std::ostringstream out;
    if (!error.empty()) out << "error: " << error << "; ";
    out << "status " << status << " " << reason << ", body: '" << body << "'";
    return out.str();
}

HttpClient::Headers HttpClient::websocket_upgrade_headers(const std::string& subprotocol) {
    Headers headers{{"Upgrade", "websocket"},
                    {"Connection", "Upgrade"},
                    {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                    {"Sec-WebSocket-Version", "13"}};
    if (!subprotocol.empty()) headers.emplace_back("Sec-WebSocket-Protocol", subprotocol);
    return headers;
}

HttpResponse HttpClient::get(std::uint16_t port, const std::string& target,
                             const Headers& extra_headers, const Deadline& deadline) {
    std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
    bool upgrade = false;
    for (const auto& [name, value] : extra_headers) {
        request += name + ": " + value + "\r\n";
        if (::strcasecmp(name.c_str(), "Upgrade") == 0) upgrade = true;
    }
    if (!upgrade) request += "Connection: close\r\n";
    request += "\r\n";
    return send_and_read(port, request, ReadUntil::content_length, deadline);
}

HttpResponse HttpClient::exchange(std::uint16_t port, const std::string& request,
                                  const Deadline& deadline) {
    return send_and_read(port, request, ReadUntil::eof, deadline);
}

}  // namespace mwb::it
