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

// Deletions per PINGREQ round trip: 100 round trips for 100,000 topics.
constexpr std::uint64_t kClearBatch = 1000;

}  // namespace

RetainedPreload::RetainedPreload(const BenchOptions& options)
    : options_(options),
      topic_prefix_(options.topic_prefix + "/retained/"),
      payload_(encode_stamp({}, options.payload_size)) {}

RetainedPreload::~RetainedPreload() {
    if (fd_ >= 0) {
        write_all(fd_, mqtt_disconnect());
        close(fd_);
    }
}

bool RetainedPreload::connect(std::string& error) {
    published_from_ns_ = mono_now_ns();
    fd_ = open_mqtt_session(options_.mqtt, "mwb-bench-retained-" + std::to_string(getpid()), error);
    return fd_ >= 0;
}

bool RetainedPreload::publish_next(std::uint64_t count, std::string& error) {
    const std::uint64_t end = std::min(published_ + count, options_.retained_topics);
    batch_.clear();
    for (std::uint64_t i = published_; i < end; ++i) {
        write_stamp({mono_now_ns(), i}, payload_.data());
        append_mqtt_retained_publish(batch_, topic_prefix_ + std::to_string(i), payload_,
                                     MqttVersion::V5);
    }
    if (!write_all(fd_, batch_)) {
        error = "the broker connection failed while publishing retained messages";
        return false;
    }
    published_ = end;
    return true;
}

bool RetainedPreload::clear(std::string& error) {
    if (fd_ < 0 && !connect(error)) return false;
    std::string pending;
    for (std::uint64_t first = 0; first < options_.retained_topics; first += kClearBatch) {
        const std::uint64_t end = std::min(first + kClearBatch, options_.retained_topics);
        batch_.clear();
        for (std::uint64_t i = first; i < end; ++i) {
            append_mqtt_retained_publish(batch_, topic_prefix_ + std::to_string(i), {},
                                         MqttVersion::V5);
        }
        batch_ += mqtt_pingreq();
        if (!write_all(fd_, batch_) || !await_packet(fd_, MqttPacketType::Pingresp, pending)) {
            error = "no PINGRESP from the broker after deleting retained messages " +
                    std::to_string(first) + ".." + std::to_string(end - 1);
            return false;
        }
    }
    return true;
}

}  // namespace mwb::bench
