// GET /metrics and /healthz of the real bridge: the exposition passes Prometheus's own checker
// (promtool), the delivery latency histogram moves with deliveries, and /healthz reports its
// fields.
#include <string>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/json_text.hpp"
#include "harness/metrics_text.hpp"
#include "harness/promtool.hpp"

namespace mwb::it {
namespace {

constexpr const char* kLatencyCount = "mwb_delivery_latency_seconds_count";

class MetricsExpositionTest : public BridgeTest {};

TEST(PromtoolSelfCheck, PromtoolComplainsAboutABadExposition) {
    // The checker the next tests rely on does flag what it should: a counter without _total.
    const Promtool::Result result =
        Promtool::check_metrics("# HELP m A counter.\n# TYPE m counter\nm 1\n");
    EXPECT_FALSE(result.clean()) << result.describe();
}

TEST_F(MetricsExpositionTest, MetricsPassPromtoolAfterTraffic) {
    start();
    WsConnection& client = connect("/ws/p/%23");
    publish_topics({"p/1", "p/2"});
    ASSERT_TRUE(ReceivesTexts(client, {"p/1", "p/2"}));

    const HttpResponse metrics = HttpClient::get(bridge().port(), "/metrics");
    ASSERT_EQ(metrics.status, 200) << metrics.describe();
    EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    const Promtool::Result result = Promtool::check_metrics(metrics.body);
    EXPECT_TRUE(result.clean()) << result.describe() << "\nexposition:\n" << metrics.body;
    for (const char* series :
         {"mwb_clients", "mwb_subscriptions", "mwb_mqtt_connected", "mwb_mqtt_reconnects_total",
          "mwb_mqtt_messages_total", "mwb_deliveries_total", "mwb_bytes_out_total",
          "mwb_connections_total{result=\"accepted\"}", "mwb_dropped_total{reason=\"acl\"}",
          "mwb_dropped_total{reason=\"not_local\"}", "mwb_dropped_total{reason=\"slow_client\"}",
          "mwb_dropped_total{reason=\"unknown_session\"}",
          "mwb_dropped_total{reason=\"too_large\"}",
          "mwb_client_publishes_total{result=\"refused\",reason=\"not_allowed\"}", kLatencyCount}) {
        EXPECT_TRUE(MetricsText::sample(metrics.body, series)) << "no sample " << series;
    }
}

TEST_F(MetricsExpositionTest, LatencyHistogramCountsEachDelivery) {
    start();
    ASSERT_EQ(BridgeMetrics::value(bridge().port(), kLatencyCount), 0.0);
    WsConnection& first = connect("/ws/lat/%23");
    WsConnection& second = connect("/ws/lat/%23");
    publish_topics({"lat/1", "lat/2", "lat/3"});
    ASSERT_TRUE(ReceivesTexts(first, {"lat/1", "lat/2", "lat/3"}));
    ASSERT_TRUE(ReceivesTexts(second, {"lat/1", "lat/2", "lat/3"}));

    // Two clients times three messages; the count is read until it settles on exactly that.
    double count = -1;
    EXPECT_TRUE(BridgeMetrics::wait_until(
        bridge().port(), kLatencyCount, [](double v) { return v == 6; }, kDelivery, &count))
        << kLatencyCount << " is " << count;
    const HttpResponse metrics = HttpClient::get(bridge().port(), "/metrics");
    EXPECT_EQ(MetricsText::sample(metrics.body, "mwb_delivery_latency_seconds_bucket{le=\"+Inf\"}"),
              6.0);
    const auto sum = MetricsText::sample(metrics.body, "mwb_delivery_latency_seconds_sum");
    ASSERT_TRUE(sum);
    EXPECT_GT(*sum, 0.0);
    EXPECT_TRUE(Promtool::check_metrics(metrics.body).clean());
}

TEST_F(MetricsExpositionTest, HealthzReportsClientsUptimeAndVersion) {
    start();
    connect("/ws/h");
    const HttpResponse health = bridge().healthz();
    ASSERT_EQ(health.status, 200) << health.describe();
    EXPECT_EQ(health.header("Content-Type"), "application/json");
    const rapidjson::Document body = JsonText::parse(health.body);
    EXPECT_EQ(JsonText::string_member(body, "status"), "ok");
    EXPECT_EQ(JsonText::string_member(body, "mqtt"), "connected");
    ASSERT_TRUE(body.HasMember("clients") && body["clients"].IsUint64()) << health.body;
    EXPECT_EQ(body["clients"].GetUint64(), 1u);
    ASSERT_TRUE(body.HasMember("uptime_seconds") && body["uptime_seconds"].IsUint64())
        << health.body;
    EXPECT_FALSE(JsonText::string_member(body, "version").empty()) << health.body;
}

TEST_F(MetricsExpositionTest, HealthzKeepsItsShapeWhenTheBrokerIsDown) {
    start();
    broker().kill_hard();
    HttpResponse health;
    ASSERT_TRUE(Deadline(kDelivery).poll_until([&] {
        health = bridge().healthz();
        return health.status == 503;
    })) << health.describe();
    const rapidjson::Document body = JsonText::parse(health.body);
    EXPECT_EQ(JsonText::string_member(body, "status"), "unavailable");
    EXPECT_EQ(JsonText::string_member(body, "mqtt"), "disconnected");
    EXPECT_TRUE(body.HasMember("clients") && body.HasMember("uptime_seconds") &&
                body.HasMember("version"))
        << health.body;
}

}  // namespace
}  // namespace mwb::it
