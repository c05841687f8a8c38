#include "proc_stats.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(ProcStats, CpuTicksAreUtimePlusStime) {
    // A command name with spaces and a parenthesis, as the kernel writes it.
    const std::string stat =
        "1234 (node red) x) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0 999";
    EXPECT_EQ(stat_cpu_ticks(stat), 325u);
}

TEST(ProcStats, CpuTicksOfATruncatedLineAreUnknown) {
    EXPECT_FALSE(stat_cpu_ticks("1234 (x) S 1 2 3"));
    EXPECT_FALSE(stat_cpu_ticks("no parenthesis"));
}

TEST(ProcStats, RssFromStatus) {
    const std::string status = "\nName:\tmosquitto\nVmPeak:\t  9000 kB\nVmRSS:\t    6144 kB\n";
    EXPECT_EQ(status_rss_kib(status), 6144u);
    EXPECT_FALSE(status_rss_kib("\nName:\tx\n"));
}

}  // namespace
}  // namespace mwb::bench
