#include "rate_schedule.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(RateSchedule, DueGrowsWithTimeAtTheRate) {
    RateSchedule schedule(1000, 1'000'000'000, 1'000'000);
    EXPECT_EQ(schedule.due(1'000'000'000), 0u);
    EXPECT_EQ(schedule.due(1'010'000'000), 10u);
    schedule.consumed(10);
    EXPECT_EQ(schedule.due(1'010'000'000), 0u);
    EXPECT_EQ(schedule.due(2'000'000'000), 990u);
}

TEST(RateSchedule, BurstIsCapped) {
    RateSchedule schedule(1000, 0, 50);
    EXPECT_EQ(schedule.due(10'000'000'000), 50u);
}

TEST(RateSchedule, NothingBeforeTheStart) {
    RateSchedule schedule(1000, 5'000, 10);
    EXPECT_EQ(schedule.due(1'000), 0u);
}

}  // namespace
}  // namespace mwb::bench
