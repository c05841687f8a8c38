#include "harness/rss_sampler.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <utility>

#include "harness/bridge_metrics.hpp"
#include "harness/deadline.hpp"

namespace mwb::it {
namespace {

// Often enough to see a peak that lasts as long as a client takes to read a megabyte.
constexpr auto kSamplingPeriod = std::chrono::milliseconds(10);

}  // namespace

std::uint64_t settled_rss(pid_t pid, const Deadline& deadline) {
    constexpr std::size_t kWindow = 5;
    constexpr auto kSpan = std::chrono::milliseconds(400);
    constexpr std::uint64_t kJitter = 256 * 1024;
    std::deque<std::pair<Clock::time_point, std::uint64_t>> recent;
    const auto largest = [&] {
        std::uint64_t most = 0;
        for (const auto& [when, rss] : recent) most = std::max(most, rss);
        return most;
    };
    deadline.poll_until(
        [&] {
            const std::optional<std::uint64_t> rss = BridgeMetrics::rss_bytes(pid);
            if (!rss) return true;  // the process is gone; the test fails elsewhere
            recent.emplace_back(Clock::now(), *rss);
            if (recent.size() > kWindow) recent.pop_front();
            if (recent.size() < kWindow || recent.back().first - recent.front().first < kSpan) {
                return false;
            }
            std::uint64_t least = recent.front().second;
            for (const auto& [when, value] : recent) least = std::min(least, value);
            return largest() - least <= kJitter;
        },
        std::chrono::milliseconds(100));
    return largest();
}

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
