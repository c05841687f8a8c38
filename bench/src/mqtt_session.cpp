#include "mqtt_session.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tcp_socket.hpp"

namespace mwb::bench {

bool await_packet(int fd, MqttPacketType type, std::string& buffer) {
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    bool matched = false;
    char chunk[4096];
    for (int reads = 0; reads < 64; ++reads) {
        const PacketView packet = split_mqtt_packet(buffer);
        if (packet.status == PacketStatus::Complete) {
            matched = packet.type == type && (type != MqttPacketType::Connack ||
                                              (packet.body.size() >= 2 && packet.body[1] == 0));
            buffer.erase(0, packet.consumed);
            break;
        }
        if (packet.status == PacketStatus::Invalid) break;
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    timeval none{0, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
    return matched;
}

int open_mqtt_session(const Endpoint& broker, const std::string& client_id, std::string& error) {
    const int fd = connect_tcp(broker, error);
    if (fd < 0) return -1;
    std::string buffer;
    if (!write_all(fd, mqtt_connect(client_id, MqttVersion::V5, 0)) ||
        !await_packet(fd, MqttPacketType::Connack, buffer)) {
        error = "no successful CONNACK from the broker";
        close(fd);
        return -1;
    }
    return fd;
}

}  // namespace mwb::bench
