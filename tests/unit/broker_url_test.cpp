// --mqtt-url: user schemes mapped to Paho's, default ports filled in.
#include "mqttws/broker_url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mqttws {
namespace {

BrokerUrl url(std::string_view text) {
    auto result = parse_broker_url(text);
    if (auto* reason = std::get_if<std::string>(&result)) {
        ADD_FAILURE() << "refused " << text << ": " << *reason;
        return {};
    }
    return std::get<BrokerUrl>(result);
}

std::string refused(std::string_view text) {
    auto result = parse_broker_url(text);
    if (!std::holds_alternative<std::string>(result)) {
        ADD_FAILURE() << "accepted " << text << " as " << std::get<BrokerUrl>(result).paho_uri;
        return {};
    }
    return std::get<std::string>(result);
}

TEST(BrokerUrl, PlainSchemes) {
    BrokerUrl u = url("tcp://127.0.0.1:1883");
    EXPECT_EQ(u.paho_uri, "tcp://127.0.0.1:1883");
    EXPECT_FALSE(u.tls);
    EXPECT_FALSE(u.websocket);
    EXPECT_EQ(url("tcp://broker").paho_uri, "tcp://broker:1883");
    EXPECT_EQ(url("mqtt://broker").paho_uri, "tcp://broker:1883");
    EXPECT_EQ(url("mqtt://broker:1884").paho_uri, "tcp://broker:1884");
    EXPECT_EQ(url("mqtt://broker/").paho_uri, "tcp://broker:1883");
}

TEST(BrokerUrl, TlsSchemes) {
    BrokerUrl u = url("mqtts://broker");
    EXPECT_EQ(u.paho_uri, "ssl://broker:8883");
    EXPECT_TRUE(u.tls);
    EXPECT_FALSE(u.websocket);
    EXPECT_EQ(url("ssl://broker:9999").paho_uri, "ssl://broker:9999");
    EXPECT_TRUE(url("ssl://broker").tls);
}

TEST(BrokerUrl, WebSocketSchemes) {
    BrokerUrl u = url("ws://broker");
    EXPECT_EQ(u.paho_uri, "ws://broker:80/mqtt");
    EXPECT_TRUE(u.websocket);
    EXPECT_FALSE(u.tls);
    u = url("wss://broker:8443/custom/path");
    EXPECT_EQ(u.paho_uri, "wss://broker:8443/custom/path");
    EXPECT_TRUE(u.websocket);
    EXPECT_TRUE(u.tls);
    EXPECT_EQ(url("wss://broker").paho_uri, "wss://broker:443/mqtt");
}

TEST(BrokerUrl, Ipv6Literals) {
    EXPECT_EQ(url("tcp://[::1]").paho_uri, "tcp://[::1]:1883");
    EXPECT_EQ(url("tcp://[::1]:1999").paho_uri, "tcp://[::1]:1999");
    EXPECT_EQ(url("mqtts://[fe80::1]").paho_uri, "ssl://[fe80::1]:8883");
}

TEST(BrokerUrl, Refused) {
    EXPECT_NE(refused("broker:1883").find("SCHEME"), std::string::npos);
    EXPECT_NE(refused("http://broker").find("http"), std::string::npos);
    EXPECT_NE(refused("://broker").find("scheme"), std::string::npos);
    EXPECT_NE(refused("tcp://").find("host"), std::string::npos);
    EXPECT_NE(refused("tcp://:1883").find("host"), std::string::npos);
    EXPECT_NE(refused("tcp://broker/path").find("path"), std::string::npos);
    EXPECT_FALSE(refused("").empty());
    // Never a password in a URL that is logged.
    EXPECT_NE(refused("tcp://user:secret@broker:1883").find("--mqtt-password-file"),
              std::string::npos);
    EXPECT_NE(refused("mqtts://user@broker").find("credentials"), std::string::npos);
}

}  // namespace
}  // namespace mqttws
