#include "harness/mqtt_burst_publisher.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "harness/mqtt_publisher.hpp"

namespace mwb::it {
namespace {

constexpr unsigned char kConnect = 0x10;
constexpr unsigned char kConnack = 0x20;
constexpr unsigned char kPublish = 0x30;  // QoS 0, not retained, not DUP
constexpr unsigned char kPingreq = 0xC0;
constexpr unsigned char kPingresp = 0xD0;
constexpr unsigned char kDisconnect = 0xE0;

// MQTT's variable byte integer.
void append_remaining_length(std::string& out, std::size_t length) {
    do {
        unsigned char byte = static_cast<unsigned char>(length % 128);
        length /= 128;
        if (length > 0) byte |= 0x80;
        out += static_cast<char>(byte);
    } while (length > 0);
}

void append_string(std::string& out, std::string_view text) {
    out += static_cast<char>((text.size() >> 8) & 0xff);
    out += static_cast<char>(text.size() & 0xff);
    out.append(text.data(), text.size());
}

int poll_timeout_ms(const Deadline& deadline) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline.remaining()).count();
    return static_cast<int>(std::min<long long>(ms + 1, 60'000));
}

}  // namespace

MqttBurstPublisher::MqttBurstPublisher(std::uint16_t broker_port, const Deadline& deadline) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(broker_port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A loopback connect completes (or is refused) at once.
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("MqttBurstPublisher: connect to 127.0.0.1:" +
                                 std::to_string(broker_port) + ": " + reason);
    }
    std::string body;
    append_string(body, "MQTT");
    body += static_cast<char>(4);     // protocol level: 3.1.1
    body += static_cast<char>(0x02);  // clean session
    body += '\0';                     // keep-alive 0: off
    body += '\0';
    append_string(body, MqttPublisher::unique_client_id("burst"));
    std::string packet(1, static_cast<char>(kConnect));
    append_remaining_length(packet, body.size());
    send_all(packet + body, deadline);
    const std::string connack = read_exactly(4, deadline);
    if (static_cast<unsigned char>(connack[0]) != kConnack || connack[1] != 2 || connack[3] != 0) {
        throw std::runtime_error("MqttBurstPublisher: the broker refused the connection");
    }
}

MqttBurstPublisher::~MqttBurstPublisher() {
    if (fd_ < 0) return;
    const char disconnect[2] = {static_cast<char>(kDisconnect), 0};
    (void)::send(fd_, disconnect, sizeof disconnect, MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd_);
}

void MqttBurstPublisher::publish_burst(
    const std::vector<std::pair<std::string, std::string>>& messages, const Deadline& deadline) {
    std::string burst;
    for (const auto& [topic, payload] : messages) {
        burst += static_cast<char>(kPublish);
        append_remaining_length(burst, 2 + topic.size() + payload.size());
        append_string(burst, topic);
        burst += payload;
    }
    burst += static_cast<char>(kPingreq);
    burst += '\0';
    send_all(burst, deadline);
    const std::string pingresp = read_exactly(2, deadline);
    if (static_cast<unsigned char>(pingresp[0]) != kPingresp || pingresp[1] != 0) {
        throw std::runtime_error("MqttBurstPublisher: expected a PINGRESP after the burst");
    }
}

void MqttBurstPublisher::send_all(const std::string& bytes, const Deadline& deadline) {
    std::string_view rest(bytes);
    while (!rest.empty()) {
        const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            rest.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (deadline.expired()) throw std::runtime_error("MqttBurstPublisher: send timed out");
            pollfd pfd{fd_, POLLOUT, 0};
            ::poll(&pfd, 1, poll_timeout_ms(deadline));
            continue;
        }
        throw std::runtime_error(std::string("MqttBurstPublisher: send: ") + std::strerror(errno));
    }
}

std::string MqttBurstPublisher::read_exactly(std::size_t size, const Deadline& deadline) {
    std::string out;
    char chunk[64];
    while (out.size() < size) {
        const ssize_t n =
            ::recv(fd_, chunk, std::min(sizeof chunk, size - out.size()), MSG_DONTWAIT);
        if (n > 0) {
            out.append(chunk, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0)
            throw std::runtime_error("MqttBurstPublisher: the broker closed the connection");
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            throw std::runtime_error(std::string("MqttBurstPublisher: recv: ") +
                                     std::strerror(errno));
        }
        if (deadline.expired()) throw std::runtime_error("MqttBurstPublisher: read timed out");
        pollfd pfd{fd_, POLLIN, 0};
        ::poll(&pfd, 1, poll_timeout_ms(deadline));
    }
    return out;
}

}  // namespace mwb::it
