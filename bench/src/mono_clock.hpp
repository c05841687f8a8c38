// CLOCK_MONOTONIC in nanoseconds: the same clock in every process on the machine, so a
// stamp written by the publisher is comparable with the receive time of another process.
#pragma once

#include <cstdint>
#include <ctime>

namespace mwb::bench {

inline std::uint64_t mono_now_ns() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ull +
           static_cast<std::uint64_t>(now.tv_nsec);
}

}  // namespace mwb::bench
