// A latency histogram cheap enough for the delivery hot path: fixed,
// log-spaced buckets, one writer (the owning shard's thread) using relaxed
// atomics, readers (a /metrics scrape on any thread) summing snapshots. No
// lock, no allocation, no shared cache line between shards.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mqttws {

class LatencyHistogram {
  public:
    // Upper bounds in seconds (1-2.5-5 steps from 10 µs to 10 s); one more
    // bucket, +Inf, catches the rest.
    static constexpr std::array<double, 19> upper_bounds{
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025,   0.05,     0.1,     0.25,   0.5,     1.0,    2.5,   5.0,    10.0};
    static constexpr std::size_t bucket_count = upper_bounds.size() + 1;

    // What a scrape reads: per-bucket counts (not cumulative), total count
    // and the sum of observations in nanoseconds.
    struct Snapshot {
        std::array<std::uint64_t, bucket_count> buckets{};
        std::uint64_t count = 0;
        std::uint64_t sum_ns = 0;

        Snapshot& operator+=(const Snapshot& other);
    };

    // Single writer only (the owning thread). A negative duration counts as 0.
    void observe(std::chrono::nanoseconds elapsed);

    // Any thread; counts may trail the writer by a few observations.
    Snapshot snapshot() const;

    // Which bucket a duration falls in: the first whose bound is >= it.
    static std::size_t bucket_of(std::chrono::nanoseconds elapsed);

  private:
    using Cell = std::atomic<std::uint64_t>;
    std::array<Cell, bucket_count> buckets_{};
    Cell sum_ns_{0};
};

}  // namespace mqttws
