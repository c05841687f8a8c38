#include "latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace mwb::bench {

// Values below kSub get one bucket each; above, a bucket is (exponent, top kSubBits bits
// after the leading one).
int LatencyHistogram::bucket_of(std::uint64_t value) {
    if (value < static_cast<std::uint64_t>(kSub)) return static_cast<int>(value);
    const int msb = 63 - __builtin_clzll(value);
    const int shift = msb - kSubBits;
    const int sub = static_cast<int>((value >> shift) & (kSub - 1));
    return (shift + 1) * kSub + sub;
}

std::uint64_t LatencyHistogram::upper_edge(int bucket) {
    if (bucket < kSub) return static_cast<std::uint64_t>(bucket);
    const int shift = bucket / kSub - 1;
    const std::uint64_t sub = static_cast<std::uint64_t>(bucket % kSub);
    const std::uint64_t low = (static_cast<std::uint64_t>(kSub) + sub) << shift;
    return low + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value_ns) {
    ++counts_[static_cast<std::size_t>(bucket_of(value_ns))];
    ++count_;
    max_ = std::max(max_, value_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::percentile(double fraction) const {
    if (count_ == 0) return 0;
    const auto wanted = static_cast<std::uint64_t>(
        std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
        seen += counts_[static_cast<std::size_t>(b)];
        if (seen >= std::max<std::uint64_t>(wanted, 1)) return std::min(upper_edge(b), max_);
    }
    return max_;
}

}  // namespace mwb::bench
