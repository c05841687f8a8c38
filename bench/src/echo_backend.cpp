#include "echo_backend.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "mqtt_codec.hpp"
#include "mqtt_session.hpp"
#include "tcp_socket.hpp"

namespace mwb::bench {

EchoBackend::~EchoBackend() {
    stop();
}

bool EchoBackend::start(std::string& error) {
    fd_ = open_mqtt_session(options_.mqtt, "mwb-bench-echo-" + std::to_string(getpid()), error);
    if (fd_ < 0) return false;
    if (!write_all(fd_, mqtt_subscribe(1, options_.echo_filter, MqttVersion::V5))) {
        error = "SUBSCRIBE could not be sent";
        return false;
    }
    if (!await_packet(fd_, MqttPacketType::Suback, pending_)) {
        error = "no SUBACK for the echo backend's subscription";
        return false;
    }
    thread_ = std::thread([this] { run(); });
    return true;
}

void EchoBackend::stop() {
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
}

void EchoBackend::run() {
    std::string buffer = std::move(pending_);
    std::string replies;
    char chunk[65536];
    while (true) {
        replies.clear();
        std::size_t offset = 0;
        while (true) {
            const PacketView packet = split_mqtt_packet(std::string_view(buffer).substr(offset));
            if (packet.status != PacketStatus::Complete) break;
            offset += packet.consumed;
            if (packet.type != MqttPacketType::Publish) continue;
            const PublishView publish =
                read_mqtt_publish(packet.body, packet.flags, MqttVersion::V5);
            if (!publish.valid || publish.response_topic.empty()) {
                without_response_topic_.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            append_mqtt_publish(replies, publish.response_topic, publish.payload, MqttVersion::V5);
            echoed_.fetch_add(1, std::memory_order_relaxed);
        }
        buffer.erase(0, offset);
        if (!replies.empty() && !write_all(fd_, replies)) return;
        const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

}  // namespace mwb::bench
