// --listen values: HOST:PORT and [IPV6]:PORT, ports 1 to 65535.

#include "mqttws/listen_address.hpp"

#include <gtest/gtest.h>

namespace mqttws {
namespace {

TEST(ListenAddress, SplitsHostAndPort) {
    const auto v4 = parse_listen_address("127.0.0.1:8080");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->host, "127.0.0.1");
    EXPECT_EQ(v4->port, 8080);
    const auto v6 = parse_listen_address("[::1]:65535");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 65535);
}

TEST(ListenAddress, AnEmptyHostMeansEveryIpv4Address) {
    const auto any = parse_listen_address(":9000");
    ASSERT_TRUE(any);
    EXPECT_EQ(any->host, "0.0.0.0");
}

TEST(ListenAddress, RefusesWhatIsNotHostAndPort) {
    for (const char* text : {"localhost", "host:", "host:0", "host:65536", "host:80x", "[::1]",
                             "[::1]8080", "[::1:8080", ""}) {
        EXPECT_FALSE(parse_listen_address(text)) << text;
    }
}

}  // namespace
}  // namespace mqttws
