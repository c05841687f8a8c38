// A steady send schedule: how many messages are due at a time so that, on average, `rate`
// per second leave from `start` on. Bounded catch-up: after a stall the sender does not
// burst more than `max_burst`, so the offered load stays what was asked.
#pragma once

#include <algorithm>
#include <cstdint>

namespace mwb::bench {

class RateSchedule {
  public:
    RateSchedule(double rate, std::uint64_t start_ns, std::uint64_t max_burst)
        : rate_(rate), start_ns_(start_ns), max_burst_(max_burst) {}

    // Messages to send now; call consumed(n) after sending them.
    std::uint64_t due(std::uint64_t now_ns) const {
        if (now_ns <= start_ns_) return 0;
        const auto target =
            static_cast<std::uint64_t>(rate_ * static_cast<double>(now_ns - start_ns_) * 1e-9);
        return target > sent_ ? std::min(target - sent_, max_burst_) : 0;
    }
    void consumed(std::uint64_t count) { sent_ += count; }
    std::uint64_t sent() const { return sent_; }

  private:
    double rate_;
    std::uint64_t start_ns_;
    std::uint64_t max_burst_;
    std::uint64_t sent_ = 0;
};

}  // namespace mwb::bench
