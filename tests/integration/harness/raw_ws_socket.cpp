#include "harness/raw_ws_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace mwb::it {
namespace {

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

int poll_timeout_ms(const Deadline& deadline) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline.remaining()).count();
    // Round up so a wait never spins on a zero timeout before the deadline.
    return static_cast<int>(std::min<long long>(ms + 1, 60'000));
}

}  // namespace

int RawFrame::close_code() const {
    if (payload.size() < 2) return 1005;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

std::string RawFrame::close_reason() const {
    return payload.size() > 2 ? payload.substr(2) : std::string();
}

std::string RawFrame::describe() const {
    std::ostringstream out;
    out << "opcode " << static_cast<int>(opcode) << (fin ? "" : " (not FIN)");
    if (opcode == kClose) {
        out << " close " << close_code() << " '" << close_reason() << "'";
    } else {
        out << ", " << payload.size() << " bytes '" << payload.substr(0, 200) << "'";
    }
    return out.str();
}

RawWsSocket::RawWsSocket(std::uint16_t port, int receive_buffer) : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (receive_buffer > 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A loopback connect completes (or is refused) at once; no deadline needed.
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(fd_);
        throw std::runtime_error("RawWsSocket: connect to 127.0.0.1:" + std::to_string(port) +
                                 ": " + reason);
    }
}

RawWsSocket::~RawWsSocket() {
    if (fd_ >= 0) ::close(fd_);
}

std::string RawWsSocket::upgrade_request(std::uint16_t port, const std::string& resource,
                                         const std::string& subprotocol) {
    std::string request = "GET " + resource +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n";
    if (!subprotocol.empty()) request += "Sec-WebSocket-Protocol: " + subprotocol + "\r\n";
    return request + "\r\n";
}

HttpResponse RawWsSocket::handshake(const std::string& resource, const std::string& subprotocol,
                                    const Deadline& deadline) {
    if (!send_bytes(upgrade_request(port_, resource, subprotocol), deadline)) {
        HttpResponse response;
        response.error = "write: " + error_;
        return response;
    }
    return read_http_response(deadline);
}

HttpResponse RawWsSocket::read_http_response(const Deadline& deadline) {
    HttpResponse response;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) {
            response.error = peer_closed_ ? "EOF before a response" : "timeout";
            if (!error_.empty()) response.error += " (" + error_ + ")";
            return response;
        }
    }
    std::istringstream head(buffer_.substr(0, end));
    buffer_.erase(0, end + 4);
    std::string line;
    std::getline(head, line);
    std::istringstream status_line(line);
    std::string version;
    status_line >> version >> response.status;
    std::getline(status_line, response.reason);
    response.reason = trim(response.reason);
    while (std::getline(head, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        response.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    if (response.status == 101) return response;  // frames follow, not a body
    const std::string length = response.header("Content-Length");
    const std::size_t body_size = length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10);
    while (buffer_.size() < body_size) {
        if (!fill(deadline)) {
            response.error = "incomplete body";
            break;
        }
    }
    response.body = buffer_.substr(0, std::min(body_size, buffer_.size()));
    buffer_.erase(0, response.body.size());
    return response;
}

bool RawWsSocket::send_bytes(std::string_view bytes, const Deadline& deadline) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (deadline.expired()) {
                error_ = "send: timeout";
                return false;
            }
            pollfd pfd{fd_, POLLOUT, 0};
            ::poll(&pfd, 1, poll_timeout_ms(deadline));
            continue;
        }
        error_ = std::string("send: ") + std::strerror(errno);
        return false;
    }
    return true;
}

bool RawWsSocket::send_frame(std::uint8_t opcode, std::string_view payload, bool fin) {
    static unsigned counter = 0x5a17c0de;
    counter = counter * 1103515245u + 12345u;
    const std::array<unsigned char, 4> mask{
        static_cast<unsigned char>(counter >> 24), static_cast<unsigned char>(counter >> 16),
        static_cast<unsigned char>(counter >> 8), static_cast<unsigned char>(counter)};

    std::string frame;
    frame.reserve(payload.size() + 14);
    frame += static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0f));
    const std::uint64_t size = payload.size();
    if (size < 126) {
        frame += static_cast<char>(0x80 | size);
    } else if (size <= 0xffff) {
        frame += static_cast<char>(0x80 | 126);
        frame += static_cast<char>(size >> 8);
        frame += static_cast<char>(size & 0xff);
    } else {
        frame += static_cast<char>(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame += static_cast<char>((size >> shift) & 0xff);
        }
    }
    for (unsigned char m : mask) frame += static_cast<char>(m);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame += static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]);
    }
    return send_bytes(frame);
}

bool RawWsSocket::fill(const Deadline& deadline) {
    if (peer_closed_) return false;
    std::array<char, 64 * 1024> chunk{};
    for (;;) {
        const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT);
        if (n > 0) {
            buffer_.append(chunk.data(), static_cast<std::size_t>(n));
            bytes_received_ += static_cast<std::uint64_t>(n);
            return true;
        }
        if (n == 0) {
            peer_closed_ = true;
            return false;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            error_ = std::string("recv: ") + std::strerror(errno);
            peer_closed_ = true;  // ECONNRESET and the like: the connection is gone
            return false;
        }
        if (deadline.expired()) return false;
        pollfd pfd{fd_, POLLIN, 0};
        ::poll(&pfd, 1, poll_timeout_ms(deadline));
    }
}

std::optional<RawFrame> RawWsSocket::read_frame(const Deadline& deadline) {
    for (;;) {
        // Parse a complete frame from the buffer if there is one.
        if (buffer_.size() >= 2) {
            const auto byte = [this](std::size_t i) {
                return static_cast<unsigned char>(buffer_[i]);
            };
            const bool masked = (byte(1) & 0x80) != 0;
            std::uint64_t size = byte(1) & 0x7f;
            std::size_t offset = 2;
            bool complete = true;
            if (size == 126) {
                complete = buffer_.size() >= 4;
                if (complete) size = (std::uint64_t{byte(2)} << 8) | byte(3);
                offset = 4;
            } else if (size == 127) {
                complete = buffer_.size() >= 10;
                if (complete) {
                    size = 0;
                    for (std::size_t i = 2; i < 10; ++i) size = (size << 8) | byte(i);
                }
                offset = 10;
            }
            const std::size_t mask_offset = offset;
            if (masked) offset += 4;
            if (complete && buffer_.size() >= offset + size) {
                RawFrame frame;
                frame.fin = (byte(0) & 0x80) != 0;
                frame.opcode = byte(0) & 0x0f;
                frame.payload = buffer_.substr(offset, static_cast<std::size_t>(size));
                if (masked) {
                    for (std::size_t i = 0; i < frame.payload.size(); ++i) {
                        frame.payload[i] =
                            static_cast<char>(static_cast<unsigned char>(frame.payload[i]) ^
                                              byte(mask_offset + i % 4));
                    }
                }
                buffer_.erase(0, offset + static_cast<std::size_t>(size));
                return frame;
            }
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

std::optional<RawFrame> RawWsSocket::read_until_close_frame(const Deadline& deadline) {
    for (;;) {
        std::optional<RawFrame> frame = read_frame(deadline);
        if (!frame) return std::nullopt;
        if (frame->opcode == RawFrame::kClose) return frame;
    }
}

bool RawWsSocket::wait_peer_closed(const Deadline& deadline) {
    while (!peer_closed_) {
        buffer_.clear();
        if (!fill(deadline) && !peer_closed_) return false;
    }
    return true;
}

}  // namespace mwb::it
