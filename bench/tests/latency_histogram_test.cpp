#include "latency_histogram.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(LatencyHistogram, EmptyHasNoPercentiles) {
    LatencyHistogram histogram;
    EXPECT_EQ(histogram.count(), 0u);
    EXPECT_EQ(histogram.percentile(0.99), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram histogram;
    for (std::uint64_t v = 1; v <= 10; ++v) histogram.record(v);
    EXPECT_EQ(histogram.percentile(0.5), 5u);
    EXPECT_EQ(histogram.percentile(1.0), 10u);
    EXPECT_EQ(histogram.max(), 10u);
}

TEST(LatencyHistogram, EveryValueLiesInItsBucketWithinTheRelativeError) {
    for (std::uint64_t v : {33ull, 100ull, 1'000ull, 123'456ull, 5'000'000ull, 1ull << 40}) {
        const int bucket = LatencyHistogram::bucket_of(v);
        const std::uint64_t upper = LatencyHistogram::upper_edge(bucket);
        EXPECT_GE(upper, v);
        EXPECT_LE(static_cast<double>(upper - v), static_cast<double>(v) / 32.0) << v;
        if (bucket > 0) {
            EXPECT_LT(LatencyHistogram::upper_edge(bucket - 1), v) << v;
        }
    }
}

TEST(LatencyHistogram, PercentilesOfAUniformSpread) {
    LatencyHistogram histogram;
    for (std::uint64_t v = 1; v <= 100'000; ++v) histogram.record(v * 1000);
    const double p50 = static_cast<double>(histogram.percentile(0.50));
    const double p99 = static_cast<double>(histogram.percentile(0.99));
    EXPECT_NEAR(p50, 50'000'000.0, 50'000'000.0 / 32);
    EXPECT_NEAR(p99, 99'000'000.0, 99'000'000.0 / 32);
    EXPECT_EQ(histogram.percentile(1.0), 100'000'000u);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsTheMax) {
    LatencyHistogram a;
    LatencyHistogram b;
    a.record(10);
    b.record(1'000'000);
    b.record(20);
    a.merge(b);
    EXPECT_EQ(a.count(), 3u);
    EXPECT_EQ(a.max(), 1'000'000u);
    EXPECT_EQ(a.percentile(0.5), 20u);
}

}  // namespace
}  // namespace mwb::bench
