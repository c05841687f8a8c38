#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace mwb::it {

using Clock = std::chrono::steady_clock;

// A point in time after which a wait gives up. Every wait in the harness is "condition with a
// deadline"; a Deadline converts implicitly from a duration so call sites can write
// `conn.wait_open(10s)` or share one deadline across many waits.
class Deadline {
  public:
    template <class Rep, class Period>
    Deadline(std::chrono::duration<Rep, Period> budget)  // NOLINT(google-explicit-constructor)
        : end_(Clock::now() + std::chrono::duration_cast<Clock::duration>(budget)) {}

    bool expired() const { return Clock::now() >= end_; }

    Clock::duration remaining() const {
        return std::max(Clock::duration::zero(), end_ - Clock::now());
    }

    Clock::time_point when() const { return end_; }

    // Evaluates `condition` until it holds or the deadline passes; used only for conditions
    // that have no notification to wait on (a port accepting, a child exiting, an HTTP probe).
    // The pause between probes grows from 1 ms to `max_interval`. Returns the last result.
    template <class Condition>
    bool poll_until(Condition&& condition,
                    Clock::duration max_interval = std::chrono::milliseconds(50)) const {
        Clock::duration interval = std::chrono::milliseconds(1);
        for (;;) {
            if (condition()) return true;
            if (expired()) return false;
            std::this_thread::sleep_for(std::min(interval, remaining()));
            interval = std::min(interval * 2, max_interval);
        }
    }

  private:
    Clock::time_point end_;
};

}  // namespace mwb::it
