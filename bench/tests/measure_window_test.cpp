#include "measure_window.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(WindowTracker, TimedWindowOpensAfterWarmupAndClosesAfterDuration) {
    MeasureWindow window;
    WindowTracker tracker(window, 1'000, 1e-6, 2e-6);  // opens at 2,000 ns, closes at 4,000
    EXPECT_FALSE(tracker.before_send(1'500, 0));
    EXPECT_EQ(window.first_seq.load(), MeasureWindow::kUnset);
    EXPECT_FALSE(tracker.before_send(2'000, 5));
    EXPECT_EQ(window.first_seq.load(), 5u);
    EXPECT_TRUE(tracker.before_send(4'000, 9));
    EXPECT_EQ(window.end_seq.load(), 9u);
    EXPECT_EQ(window.end_ns.load(), 4'000u);
}

TEST(WindowTracker, OnRequestFollowsTheFlagsNotTheClock) {
    MeasureWindow window;
    WindowTracker tracker = WindowTracker::on_request(window);
    EXPECT_FALSE(tracker.before_send(1'000'000'000'000, 0));
    EXPECT_EQ(window.first_seq.load(), MeasureWindow::kUnset);
    window.open_requested = true;
    EXPECT_FALSE(tracker.before_send(1'000'000'000'001, 3));
    EXPECT_EQ(window.first_seq.load(), 3u);
    EXPECT_FALSE(tracker.before_send(1'000'000'000'002, 4));
    window.close_requested = true;
    EXPECT_TRUE(tracker.before_send(1'000'000'000'003, 8));
    EXPECT_EQ(window.end_seq.load(), 8u);
}

TEST(WindowTracker, ClosedBeforeOpeningIsEmptyNotUnset) {
    MeasureWindow window;
    WindowTracker tracker = WindowTracker::on_request(window);
    window.close_requested = true;
    EXPECT_TRUE(tracker.before_send(50, 7));
    EXPECT_EQ(window.first_seq.load(), 7u);
    EXPECT_EQ(window.end_seq.load(), 7u);
}

}  // namespace
}  // namespace mwb::bench
