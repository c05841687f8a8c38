// A log-bucketed latency histogram: constant memory, O(1) per sample, about 3 % relative
// error, so recording costs nothing next to a socket read.
#pragma once

#include <array>
#include <cstdint>

namespace mwb::bench {

class LatencyHistogram {
  public:
    // Sub-buckets per power of two: 32 keeps the relative error under 1/32.
    static constexpr int kSubBits = 5;
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;

    void record(std::uint64_t value_ns);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }
    // The smallest recorded bucket's upper edge below which a `fraction` (0..1] of the
    // samples lie, clamped to max(). 0 when empty.
    std::uint64_t percentile(double fraction) const;

    static int bucket_of(std::uint64_t value);
    static std::uint64_t upper_edge(int bucket);

  private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace mwb::bench
