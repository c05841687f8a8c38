#include "rate_publisher.hpp"

#include <unistd.h>

#include <chrono>

#include "mono_clock.hpp"
#include "mqtt_codec.hpp"
#include "mqtt_session.hpp"
#include "payload_stamp.hpp"
#include "proc_stats.hpp"
#include "rate_schedule.hpp"
#include "tcp_socket.hpp"

namespace mwb::bench {
namespace {

// Replay's live stream spreads over this many topics, as a handful of devices would, so
// it is not one hot topic; none is retained, so none adds to the replay.
constexpr std::uint64_t kLiveTopics = 100;

}  // namespace

RatePublisher::RatePublisher(const BenchOptions& options, std::vector<std::string> targets,
                             std::size_t devices, MeasureWindow& window)
    : options_(options),
      targets_(std::move(targets)),
      devices_(devices == 0 ? 1 : devices),
      window_(window),
      random_(options.seed),
      payload_(encode_stamp({}, options.payload_size)) {}

RatePublisher::~RatePublisher() {
    join();
    if (fd_ >= 0) close(fd_);
}

bool RatePublisher::connect(std::string& error) {
    fd_ = open_mqtt_session(options_.mqtt, "mwb-bench-pub-" + std::to_string(getpid()), error);
    return fd_ >= 0;
}

void RatePublisher::start() {
    thread_ = std::thread([this] { run(); });
}

void RatePublisher::join() {
    if (thread_.joinable()) thread_.join();
}

void RatePublisher::append_message(std::string& out, std::uint64_t sequence, std::uint64_t now_ns) {
    write_stamp({now_ns, sequence}, payload_.data());
    const std::string& prefix = options_.topic_prefix;
    switch (options_.scenario) {
        case Scenario::Selective: {
            const auto device = random_() % devices_;
            append_mqtt_publish(out, prefix + "/dev/" + std::to_string(device) + "/x", payload_,
                                MqttVersion::V5);
            break;
        }
        case Scenario::Targeted: {
            const auto& target = targets_[random_() % targets_.size()];
            append_mqtt_publish(out, prefix + "/targeted", payload_, MqttVersion::V5,
                                {{options_.session_property, target}});
            break;
        }
        case Scenario::Replay:
        case Scenario::Recovery:
            append_mqtt_publish(out, prefix + "/live/" + std::to_string(sequence % kLiveTopics),
                                payload_, MqttVersion::V5);
            break;
        default:
            append_mqtt_publish(out, prefix + "/load", payload_, MqttVersion::V5);
    }
}

void RatePublisher::run() {
    const double cpu_start = thread_cpu_s();
    const std::uint64_t start = mono_now_ns();
    WindowTracker tracker =
        window_on_request_ ? WindowTracker::on_request(window_)
                           : WindowTracker(window_, start, options_.warmup_s, options_.duration_s);
    // At most 50 ms worth of messages in one burst after a stall.
    RateSchedule schedule(
        options_.rate, start,
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(options_.rate / 20)));
    std::string batch;
    const auto tick = std::chrono::microseconds(500);
    auto next_wake = std::chrono::steady_clock::now();
    while (true) {
        const std::uint64_t now = mono_now_ns();
        const std::uint64_t elapsed = now - start;
        if (tracker.before_send(now, schedule.sent())) break;
        const std::uint64_t due = schedule.due(now);
        batch.clear();
        for (std::uint64_t i = 0; i < due; ++i) append_message(batch, schedule.sent() + i, now);
        if (due > 0 && !write_all(fd_, batch)) {
            tracker.fail(now, schedule.sent());
            break;
        }
        schedule.consumed(due);
        const double behind = (options_.rate * static_cast<double>(elapsed) * 1e-9 -
                               static_cast<double>(schedule.sent())) /
                              std::max(options_.rate, 1.0);
        late_s_ = std::max(late_s_, behind);
        next_wake += tick;
        const auto now_steady = std::chrono::steady_clock::now();
        if (next_wake < now_steady) next_wake = now_steady;
        std::this_thread::sleep_until(next_wake);
    }
    sent_ = schedule.sent();
    cpu_s_ = thread_cpu_s() - cpu_start;
}

}  // namespace mwb::bench
