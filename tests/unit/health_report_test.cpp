// The /healthz body: one shape for up and down.
#include "mqttws/health_report.hpp"

#include <gtest/gtest.h>

namespace mqttws {
namespace {

TEST(HealthReport, Healthy) {
    HealthReport r;
    r.mqtt_connected = true;
    r.clients = 3;
    r.uptime_seconds = 42;
    r.version = "1.2.3";
    EXPECT_EQ(
        encode_health(r),
        R"({"status":"ok","mqtt":"connected","clients":3,"uptime_seconds":42,"version":"1.2.3"})"
        "\n");
}

TEST(HealthReport, BrokerDownKeepsTheShape) {
    HealthReport r;
    r.version = "0.1.0";
    EXPECT_EQ(
        encode_health(r),
        R"({"status":"unavailable","mqtt":"disconnected","clients":0,"uptime_seconds":0,"version":"0.1.0"})"
        "\n");
}

TEST(HealthReport, DrainingIsUnhealthyWhileTheBrokerIsUp) {
    HealthReport r;
    r.mqtt_connected = true;
    r.draining = true;
    r.version = "0.1.0";
    EXPECT_FALSE(is_healthy(r));
    EXPECT_EQ(
        encode_health(r),
        R"({"status":"draining","mqtt":"connected","clients":0,"uptime_seconds":0,"version":"0.1.0"})"
        "\n");
    r.draining = false;
    EXPECT_TRUE(is_healthy(r));
    r.mqtt_connected = false;
    EXPECT_FALSE(is_healthy(r));
}

}  // namespace
}  // namespace mqttws
