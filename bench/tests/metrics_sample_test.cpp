#include "metrics_sample.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

constexpr const char* kMetrics =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
    "# HELP mwb_history_messages Messages kept for recovery (--history).\n"
    "# TYPE mwb_history_messages gauge\n"
    "mwb_history_messages 104000\n"
    "mwb_history_messages_x 7\n"
    "mwb_history_bytes 5.5e+07\n"
    "mwb_history_dropped_total{reason=\"trimmed\"} 3\n";

TEST(MetricsSample, ReadsTheSampleWrittenExactlySo) {
    EXPECT_EQ(metrics_sample(kMetrics, "mwb_history_messages"), 104000.0);
    EXPECT_EQ(metrics_sample(kMetrics, "mwb_history_bytes"), 5.5e7);
    EXPECT_EQ(metrics_sample(kMetrics, R"(mwb_history_dropped_total{reason="trimmed"})"), 3.0);
}

TEST(MetricsSample, NoSuchSeriesOrNoNumberIsNothing) {
    EXPECT_FALSE(metrics_sample(kMetrics, "mwb_history"));
    EXPECT_FALSE(metrics_sample("", "mwb_history_bytes"));
    EXPECT_FALSE(metrics_sample("mwb_history_bytes x\n", "mwb_history_bytes"));
}

}  // namespace
}  // namespace mwb::bench
