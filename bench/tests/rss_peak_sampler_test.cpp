#include "rss_peak_sampler.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace mwb::bench {
namespace {

TEST(RssPeakSampler, KeepsTheLargestSampleIncludingBothEnds) {
    std::atomic<unsigned long long> rss{100};
    RssPeakSampler sampler(
        [&] {
            ProcSample sample;
            sample.rss_kib = rss.load();
            return sample;
        },
        std::chrono::hours(1));  // only start() and stop() sample
    sampler.start();
    rss = 300;
    sampler.stop();
    EXPECT_EQ(sampler.peak_kib(), 300u);
    EXPECT_EQ(sampler.samples(), 2u);
    EXPECT_TRUE(sampler.complete());
    sampler.stop();  // a second stop changes nothing
    EXPECT_EQ(sampler.samples(), 2u);
}

TEST(RssPeakSampler, SamplesBetweenTheEnds) {
    std::atomic<int> calls{0};
    RssPeakSampler sampler(
        [&] {
            ProcSample sample;
            // A peak only in the middle: the ends read 10.
            sample.rss_kib = ++calls == 3 ? 500 : 10;
            sample.complete = calls != 4;
            return sample;
        },
        std::chrono::milliseconds(1));
    sampler.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (calls.load() < 5 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    sampler.stop();
    EXPECT_GE(sampler.samples(), 5u);
    EXPECT_EQ(sampler.peak_kib(), 500u);
    EXPECT_FALSE(sampler.complete());
}

}  // namespace
}  // namespace mwb::bench
