#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "harness/deadline.hpp"

namespace mwb::it {

// What a running bridge reports about itself: its Prometheus samples (GET /metrics) and its
// resident memory (/proc/<pid>/status).
class BridgeMetrics {
  public:
    // The value of the sample written exactly as `sample` in the exposition, name and labels as
    // the bridge writes them (e.g. `mwb_dropped_total{reason="too_large"}`); nullopt when
    // /metrics does not answer 200 or has no such sample.
    static std::optional<double> value(std::uint16_t port, const std::string& sample);

    // Polls until the sample satisfies `condition` or the deadline passes; returns whether it
    // did. `last` (if given) receives the last value read (-1 when none could be read).
    template <class Condition>
    static bool wait_until(std::uint16_t port, const std::string& sample, Condition&& condition,
                           const Deadline& deadline, double* last = nullptr) {
        double seen = -1;
        const bool ok = deadline.poll_until(
            [&] {
                const std::optional<double> v = value(port, sample);
                seen = v.value_or(-1);
                return v && condition(*v);
            },
            std::chrono::milliseconds(100));
        if (last) *last = seen;
        return ok;
    }

    // VmRSS of process `pid` in bytes; nullopt when the process is gone.
    static std::optional<std::uint64_t> rss_bytes(pid_t pid);
};

}  // namespace mwb::it
