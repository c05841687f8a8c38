#include "harness/rss_sampler.hpp"

#include <algorithm>
#include <chrono>

#include "harness/bridge_metrics.hpp"

namespace mwb::it {
namespace {

// Often enough to see a peak that lasts as long as a client takes to read a megabyte.
constexpr auto kSamplingPeriod = std::chrono::milliseconds(10);

}  // namespace

RssSampler::RssSampler(pid_t pid) : pid_(pid), thread_([this] { run(); }) {}

RssSampler::~RssSampler() {
    stop();
}

void RssSampler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    sample();
}

void RssSampler::sample() {
    if (const auto rss = BridgeMetrics::rss_bytes(pid_)) {
        peak_ = std::max(peak_.load(), *rss);
        ++samples_;
    }
}

void RssSampler::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        sample();
        wake_.wait_for(lock, kSamplingPeriod, [this] { return stopping_; });
    }
}

}  // namespace mwb::it
