#include "replay_progress.hpp"

#include <gtest/gtest.h>

#include "payload_stamp.hpp"

namespace mwb::bench {
namespace {

constexpr std::uint64_t kPublished = 1'000'000;

std::string retained(std::uint64_t topic, std::uint64_t sent_ns = kPublished) {
    return encode_stamp({sent_ns, topic}, 100);
}

TEST(ReplayProgress, AClientIsDoneWhenItHasEveryTopicOnce) {
    ReplayProgress progress(2, 3, kPublished);
    progress.start(10'000'000'000);
    progress.record(0, retained(2), 10'100'000'000);
    progress.record(0, retained(0), 10'200'000'000);
    progress.record(0, retained(0), 10'250'000'000);  // a repeat is no progress
    EXPECT_EQ(progress.clients_done(), 0u);
    progress.record(0, retained(1), 10'500'000'000);
    EXPECT_EQ(progress.clients_done(), 1u);
    EXPECT_FALSE(progress.all_done());
    EXPECT_EQ(progress.frames(), 3u);
    EXPECT_EQ(progress.duplicates(), 1u);
    EXPECT_EQ(progress.received_by(0), 3u);
    EXPECT_EQ(progress.received_by(1), 0u);

    const auto completion = progress.completion_s();
    ASSERT_EQ(completion.size(), 2u);
    ASSERT_TRUE(completion[0]);
    EXPECT_NEAR(*completion[0], 0.5, 1e-9);
    EXPECT_FALSE(completion[1]);
}

TEST(ReplayProgress, OtherRunsAndUnstampedFramesAreForeign) {
    ReplayProgress progress(1, 2, kPublished);
    progress.record(0, retained(0, kPublished - 1), 5);  // an older run's leftover
    progress.record(0, retained(2), 5);                  // beyond R
    progress.record(0, "not a stamp", 5);
    progress.record(7, retained(0), 5);  // no such client
    EXPECT_EQ(progress.foreign(), 4u);
    EXPECT_EQ(progress.frames(), 0u);
}

TEST(ReplayProgress, TopicsBeyondOneWordAndTheLastClient) {
    ReplayProgress progress(3, 130, kPublished);
    for (std::uint64_t topic = 0; topic < 130; ++topic) progress.record(2, retained(topic), 7);
    EXPECT_EQ(progress.received_by(2), 130u);
    EXPECT_EQ(progress.received_by(1), 0u);
    EXPECT_EQ(progress.clients_done(), 1u);
}

TEST(PercentileOf, NearestRankWithNeverAboveEverything) {
    std::vector<std::optional<double>> values;
    for (int i = 100; i >= 1; --i) values.emplace_back(i);
    EXPECT_DOUBLE_EQ(*percentile_of(values, 0.5), 50);
    EXPECT_DOUBLE_EQ(*percentile_of(values, 0.99), 99);
    EXPECT_DOUBLE_EQ(*percentile_of(values, 1.0), 100);
    values[0] = std::nullopt;  // one client of 100 never finished: p99 is still known
    EXPECT_DOUBLE_EQ(*percentile_of(values, 0.99), 99);
    EXPECT_FALSE(percentile_of(values, 1.0));
    values[1] = std::nullopt;  // two: it is not
    EXPECT_FALSE(percentile_of(values, 0.99));
    EXPECT_FALSE(percentile_of({}, 0.5));
    EXPECT_DOUBLE_EQ(*percentile_of({3.0}, 0.5), 3);
}

}  // namespace
}  // namespace mwb::bench
