#include "retained_preload.hpp"

#include <unistd.h>

#include <algorithm>

#include "mono_clock.hpp"
#include "mqtt_codec.hpp"
#include "mqtt_session.hpp"
#include "payload_stamp.hpp"
#include "tcp_socket.hpp"

namespace mwb::bench {
namespace {

// Messages per write and per PINGREQ round trip: large enough that the round trips cost
// little (100 for 100,000 topics), small enough to keep the broker's queues short.
constexpr std::uint64_t kBatch = 1000;

}  // namespace

RetainedPreload::~RetainedPreload() {
    if (fd_ >= 0) {
        write_all(fd_, mqtt_disconnect());
        close(fd_);
    }
}

bool RetainedPreload::publish(std::string& error) {
    published_from_ns_ = mono_now_ns();
    return send_all(false, error);
}

bool RetainedPreload::clear(std::string& error) {
    return send_all(true, error);
}

bool RetainedPreload::send_all(bool clearing, std::string& error) {
    if (fd_ < 0) {
        fd_ = open_mqtt_session(options_.mqtt, "mwb-bench-retained-" + std::to_string(getpid()),
                                error);
        if (fd_ < 0) return false;
    }
    std::string payload = clearing ? std::string() : encode_stamp({}, options_.payload_size);
    const std::string prefix = options_.topic_prefix + "/retained/";
    std::string batch;
    std::string pending;
    for (std::uint64_t first = 0; first < options_.retained_topics; first += kBatch) {
        const std::uint64_t end = std::min(first + kBatch, options_.retained_topics);
        batch.clear();
        for (std::uint64_t i = first; i < end; ++i) {
            if (!clearing) write_stamp({mono_now_ns(), i}, payload.data());
            append_mqtt_retained_publish(batch, prefix + std::to_string(i), payload,
                                         MqttVersion::V5);
        }
        batch += mqtt_pingreq();
        if (!write_all(fd_, batch)) {
            error = "the broker connection failed while publishing retained messages";
            return false;
        }
        if (!await_packet(fd_, MqttPacketType::Pingresp, pending)) {
            error = "no PINGRESP from the broker after retained messages " + std::to_string(first) +
                    ".." + std::to_string(end - 1);
            return false;
        }
    }
    return true;
}

}  // namespace mwb::bench
