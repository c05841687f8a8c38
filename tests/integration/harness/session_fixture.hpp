#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/mqtt_subscriber.hpp"

namespace mwb::it {

// BridgeTest plus what the session tests (targeting, the way back, retained replay, events)
// need: MQTT observers on the test broker, the bridge's metrics, retained messages that exist
// before the bridge starts, and a way to know every delivery thread has seen a message.
class SessionTest : public BridgeTest {
  protected:
    // The two characters after the instance id and '.' name a session's delivery thread (hex).
    static constexpr unsigned kShards = 2;

    // Subscribers first (they talk to the broker), then the fixture's own order.
    void TearDown() override;

    // A Paho client on the test broker subscribed to `filter` (SUBACK awaited); lives until
    // TearDown. Use it as a test backend (with publisher() to answer) or to see what reaches
    // the broker.
    MqttSubscriber& mqtt_subscriber(const std::string& filter, int mqtt_version = MQTTVERSION_5);

    // Starts the broker and the publisher, publishes `retained` (QoS 1, retained, in order),
    // and only then starts the bridge with `bridge_args`.
    void start_with_retained(const std::vector<std::pair<std::string, std::string>>& retained,
                             const std::vector<std::string>& bridge_args);

    // The value of one sample of GET /metrics (e.g. `mwb_dropped_total{reason="unknown_session"}`),
    // nullopt when the request failed or the sample is missing.
    std::optional<double> metric(const std::string& series);
    // Polls GET /metrics until the sample is at least `at_least`.
    ::testing::AssertionResult MetricReaches(const std::string& series, double at_least,
                                             const Deadline& deadline = kDelivery);
    // Polls GET /metrics until the sample equals `value`.
    ::testing::AssertionResult MetricBecomes(const std::string& series, double value,
                                             const Deadline& deadline = kDelivery);

    // Connects plain clients at `resource` until each of the bridge's `shards` delivery threads
    // holds one (bounded number of attempts; throws if a thread stays uncovered). Run the
    // bridge with `--threads <shards>`.
    std::vector<WsConnection*> connect_on_every_shard(const std::string& resource,
                                                      unsigned shards = kShards);

    // Publishes `token` on `topic` (not retained) and waits until every probe has received a
    // frame containing it: every delivery thread has then handled everything published before.
    ::testing::AssertionResult EveryShardSaw(const std::vector<WsConnection*>& probes,
                                             const std::string& topic, const std::string& token,
                                             const Deadline& deadline = kDelivery);

    // The next frame that is not a protocol-mode status notice, parsed; nullopt-free: throws on
    // timeout. `count` such frames, in order.
    static std::vector<rapidjson::Document> NextProtocolFrames(
        WsConnection& connection, std::size_t count, const Deadline& deadline = kDelivery);

    // A msg object (plain `--send msg` frame or protocol "message" envelope) with this topic and
    // a payload equal, as JSON, to `payload_json` (write a string payload as "\"text\"").
    static ::testing::AssertionResult IsMsg(const rapidjson::Value& msg, const std::string& topic,
                                            const std::string& payload_json);
    // {"type":"ack","id":id}
    static ::testing::AssertionResult IsAck(const rapidjson::Value& frame, long long id);
    // {"type":"error","id":id,"code":code,"message":<non-empty>}
    static ::testing::AssertionResult IsError(const rapidjson::Value& frame, long long id,
                                              const std::string& code);

    // Checks a session id's promised shape: "<instance-id>." and 24 URL-safe characters.
    static ::testing::AssertionResult IsSessionId(const std::string& id);

  private:
    std::vector<std::unique_ptr<MqttSubscriber>> subscribers_;
};

}  // namespace mwb::it
