// Role: metrics. The clock the delivery latency histogram reads at each frame handoff.
// Reading steady_clock costs ~25 ns on bare metal but 200+ ns on a busy VM
// (kvm-clock), more than the rest of a handoff; a fan-out to thousands of
// clients would pay it per client. So it is read afresh at the start of
// every delivery pass and then once per `refresh_every` handoffs: the
// error stays below a few handoffs' time (microseconds), under the
// histogram's first bucket.
#pragma once

#include <chrono>

namespace mqttws::ws {

class HandoffClock {
  public:
    using time_point = std::chrono::steady_clock::time_point;
    static constexpr unsigned refresh_every = 16;

    // Forces a fresh read on the next now().
    void restart() { reads_left_ = 0; }

    time_point now() {
        if (reads_left_ == 0) {
            cached_ = std::chrono::steady_clock::now();
            reads_left_ = refresh_every;
        }
        --reads_left_;
        return cached_;
    }

  private:
    time_point cached_{};
    unsigned reads_left_ = 0;
};

}  // namespace mqttws::ws
