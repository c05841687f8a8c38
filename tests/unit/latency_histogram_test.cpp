// The delivery latency histogram: which bucket a duration lands in, and what
// a snapshot sums.
#include "mqttws/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace mqttws {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(LatencyHistogram, BoundsAreIncreasing) {
    for (std::size_t i = 1; i < LatencyHistogram::upper_bounds.size(); ++i) {
        EXPECT_LT(LatencyHistogram::upper_bounds[i - 1], LatencyHistogram::upper_bounds[i]);
    }
}

TEST(LatencyHistogram, BucketIsTheFirstBoundNotBelowTheDuration) {
    EXPECT_EQ(LatencyHistogram::bucket_of(nanoseconds(0)), 0u);
    EXPECT_EQ(LatencyHistogram::bucket_of(microseconds(10)), 0u);  // le is inclusive
    EXPECT_EQ(LatencyHistogram::bucket_of(nanoseconds(10001)), 1u);
    EXPECT_EQ(LatencyHistogram::bucket_of(microseconds(100)), 3u);
    EXPECT_EQ(LatencyHistogram::bucket_of(milliseconds(1)), 6u);
    EXPECT_EQ(LatencyHistogram::bucket_of(milliseconds(3)), 8u);
    EXPECT_EQ(LatencyHistogram::bucket_of(seconds(10)), LatencyHistogram::upper_bounds.size() - 1);
    EXPECT_EQ(LatencyHistogram::bucket_of(seconds(11)), LatencyHistogram::upper_bounds.size());
    EXPECT_EQ(LatencyHistogram::bucket_of(std::chrono::hours(1)),
              LatencyHistogram::bucket_count - 1);
}

TEST(LatencyHistogram, StartsEmpty) {
    const LatencyHistogram::Snapshot empty = LatencyHistogram().snapshot();
    EXPECT_EQ(empty.count, 0u);
    EXPECT_EQ(empty.sum_ns, 0u);
    for (auto b : empty.buckets) EXPECT_EQ(b, 0u);
}

TEST(LatencyHistogram, ObservationsLandInTheirBucketsAndSum) {
    LatencyHistogram h;
    h.observe(microseconds(5));
    h.observe(microseconds(5));
    h.observe(milliseconds(2));
    h.observe(seconds(60));
    const auto s = h.snapshot();
    EXPECT_EQ(s.count, 4u);
    EXPECT_EQ(s.sum_ns, 10'000u + 2'000'000u + 60'000'000'000u);
    EXPECT_EQ(s.buckets[0], 2u);
    EXPECT_EQ(s.buckets[LatencyHistogram::bucket_of(milliseconds(2))], 1u);
    EXPECT_EQ(s.buckets[LatencyHistogram::bucket_count - 1], 1u);
}

TEST(LatencyHistogram, NegativeDurationCountsAsZero) {
    LatencyHistogram h;
    h.observe(nanoseconds(-5));
    const auto s = h.snapshot();
    EXPECT_EQ(s.count, 1u);
    EXPECT_EQ(s.sum_ns, 0u);
    EXPECT_EQ(s.buckets[0], 1u);
}

TEST(LatencyHistogram, SnapshotsAddUp) {
    LatencyHistogram a;
    LatencyHistogram b;
    a.observe(microseconds(1));
    b.observe(microseconds(1));
    b.observe(milliseconds(1));
    LatencyHistogram::Snapshot total = a.snapshot();
    total += b.snapshot();
    EXPECT_EQ(total.count, 3u);
    EXPECT_EQ(total.buckets[0], 2u);
    EXPECT_EQ(total.sum_ns, 2'000u + 1'000'000u);
}

}  // namespace
}  // namespace mqttws
