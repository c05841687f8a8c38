#include "mqttws/latency_histogram.hpp"

namespace mqttws {

namespace {

// Bounds in whole nanoseconds, so bucket_of compares integers.
constexpr std::array<std::int64_t, LatencyHistogram::upper_bounds.size()> bounds_ns() {
    std::array<std::int64_t, LatencyHistogram::upper_bounds.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::int64_t>(LatencyHistogram::upper_bounds[i] * 1e9 + 0.5);
    }
    return out;
}

constexpr auto kBoundsNs = bounds_ns();

// One writer: a plain load and store is enough (no read-modify-write).
void add(std::atomic<std::uint64_t>& cell, std::uint64_t by) {
    cell.store(cell.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace

LatencyHistogram::Snapshot& LatencyHistogram::Snapshot::operator+=(const Snapshot& other) {
    for (std::size_t i = 0; i < bucket_count; ++i) buckets[i] += other.buckets[i];
    count += other.count;
    sum_ns += other.sum_ns;
    return *this;
}

std::size_t LatencyHistogram::bucket_of(std::chrono::nanoseconds elapsed) {
    const std::int64_t ns = elapsed.count();
    std::size_t i = 0;
    while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;
    return i;
}

void LatencyHistogram::observe(std::chrono::nanoseconds elapsed) {
    if (elapsed.count() < 0) elapsed = std::chrono::nanoseconds(0);
    add(buckets_[bucket_of(elapsed)], 1);
    add(sum_ns_, static_cast<std::uint64_t>(elapsed.count()));
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
    Snapshot out;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        out.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    out.sum_ns = sum_ns_.load(std::memory_order_relaxed);
    // The count must equal the +Inf bucket (PromQL relies on it), so it is
    // derived from the buckets read rather than kept separately.
    for (auto b : out.buckets) out.count += b;
    return out;
}

}  // namespace mqttws
