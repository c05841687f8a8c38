// Durations and sizes as the command line accepts them.
#include "mqttws/units.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace mqttws {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, Units) {
    EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
    EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
    EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
    EXPECT_EQ(parse_duration("5min"), milliseconds(300'000));
    EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
    EXPECT_EQ(parse_duration("0ms"), milliseconds(0));
    EXPECT_EQ(parse_duration("0"), milliseconds(0));
    EXPECT_EQ(parse_duration("1ms"), milliseconds(1));
}

TEST(ParseDuration, BareNumberIsSeconds) {
    EXPECT_EQ(parse_duration("30"), milliseconds(30'000));
    EXPECT_EQ(parse_duration("1"), milliseconds(1'000));
}

TEST(ParseDuration, Garbage) {
    for (const char* text : {"", "ms", "s", "abc", "5x", "5 sec", "5S", "5MS", "1.5s", "-5s", "+5s",
                             " 5s", "5s ", "5s5", "5 ms x", "0x10", "5d", "1e3", "5m s"}) {
        EXPECT_EQ(parse_duration(text), std::nullopt) << text;
    }
}

TEST(ParseDuration, Overflow) {
    EXPECT_EQ(parse_duration("99999999999999999999"), std::nullopt);    // > 2^64
    EXPECT_EQ(parse_duration("18446744073709551615"), std::nullopt);    // * 1000
    EXPECT_EQ(parse_duration("18446744073709551615ms"), std::nullopt);  // > int64
    EXPECT_EQ(parse_duration("9223372036854775808ms"), std::nullopt);
    EXPECT_EQ(parse_duration("9223372036854775807ms"), milliseconds(9223372036854775807LL));
    EXPECT_EQ(parse_duration("5124095576030432h"), std::nullopt);
    EXPECT_EQ(parse_duration("2562047788015h"), milliseconds(2562047788015LL * 3'600'000));
    EXPECT_EQ(parse_duration("9223372036854776s"), std::nullopt);
    EXPECT_EQ(parse_duration("9223372036854775s"), milliseconds(9223372036854775000LL));
}

TEST(ParseSize, Units) {
    EXPECT_EQ(parse_size("512"), 512u);
    EXPECT_EQ(parse_size("0"), 0u);
    EXPECT_EQ(parse_size("512B"), 512u);
    EXPECT_EQ(parse_size("64KiB"), 65536u);
    EXPECT_EQ(parse_size("1MiB"), 1048576u);
    EXPECT_EQ(parse_size("2GiB"), 2147483648u);
    // KB/MB/GB are the same binary multiples.
    EXPECT_EQ(parse_size("64KB"), 65536u);
    EXPECT_EQ(parse_size("1MB"), 1048576u);
    EXPECT_EQ(parse_size("1GB"), 1073741824u);
    EXPECT_EQ(parse_size("4K"), 4096u);
    EXPECT_EQ(parse_size("3M"), 3u << 20);
}

TEST(ParseSize, Garbage) {
    for (const char* text : {"", "KiB", "abc", "1.5MiB", "-1", "+1", " 1", "1 KiB x", "1kib",
                             "1TiB", "1Kib", "1b", "1 0", "1e6", "0x10", "1KiB "}) {
        EXPECT_EQ(parse_size(text), std::nullopt) << text;
    }
}

TEST(ParseSize, Overflow) {
    EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
    EXPECT_EQ(parse_size("18446744073709551616"), std::nullopt);
    EXPECT_EQ(parse_size("99999999999999999999999"), std::nullopt);
    EXPECT_EQ(parse_size("17179869184GiB"), std::nullopt);  // exactly 2^64
    EXPECT_EQ(parse_size("17179869183GiB"), 17179869183ULL << 30);
    EXPECT_EQ(parse_size("18014398509481984KiB"), std::nullopt);
}

}  // namespace
}  // namespace mqttws
