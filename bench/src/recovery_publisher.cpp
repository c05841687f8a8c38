#include "recovery_publisher.hpp"

#include <unistd.h>

#include <algorithm>

#include "mono_clock.hpp"
#include "mqtt_codec.hpp"
#include "mqtt_session.hpp"
#include "payload_stamp.hpp"
#include "tcp_socket.hpp"

namespace mwb::bench {

RecoveryPublisher::RecoveryPublisher(const BenchOptions& options, const RecoveryTopics& topics)
    : options_(options), topics_(topics), payload_(encode_stamp({}, options.payload_size)) {}

RecoveryPublisher::~RecoveryPublisher() {
    if (fd_ >= 0) {
        write_all(fd_, mqtt_disconnect());
        close(fd_);
    }
}

bool RecoveryPublisher::connect(std::string& error) {
    fd_ = open_mqtt_session(options_.mqtt, "mwb-bench-recovery-" + std::to_string(getpid()), error);
    return fd_ >= 0;
}

void RecoveryPublisher::begin(std::uint64_t rounds) {
    total_ = rounds * options_.clients * topics_.per_client();
    published_ = 0;
    phase_from_ns_ = mono_now_ns();
}

bool RecoveryPublisher::publish_next(std::uint64_t count, std::string& error) {
    const std::uint64_t end = std::min(published_ + count, total_);
    const std::uint64_t per_round = options_.clients * topics_.per_client();
    batch_.clear();
    for (std::uint64_t n = published_; n < end; ++n) {
        const std::uint64_t in_round = n % per_round;
        write_stamp({mono_now_ns(), n}, payload_.data());
        append_mqtt_publish(batch_,
                            topics_.topic(in_round % options_.clients, in_round / options_.clients),
                            payload_, MqttVersion::V5);
    }
    if (!write_all(fd_, batch_)) {
        error = "the broker connection failed while publishing";
        return false;
    }
    published_ = end;
    return true;
}

}  // namespace mwb::bench
