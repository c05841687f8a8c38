#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/bridge_process.hpp"
#include "harness/deadline.hpp"
#include "harness/mosquitto_process.hpp"
#include "harness/mqtt_publisher.hpp"
#include "harness/ws_client_pool.hpp"
#include "harness/ws_connection.hpp"

namespace mwb::it {

// Fixture: every test gets its own Mosquitto, its own mqtt-ws-bridge, an MQTT publisher and a
// WebSocket client pool. TearDown stops them in reverse order (clients first, broker last).
class BridgeTest : public ::testing::Test {
  protected:
    // How long a message may take from publish to every WebSocket client. Generous: this is a
    // bound on a wait for a condition, never an assertion about speed.
    static constexpr std::chrono::seconds kDelivery{20};
    static constexpr const char* kProtocol = "mqtt-ws-bridge.v1";

    void TearDown() override;

    // Broker, bridge (with `bridge_args` after the harness's own), publisher, client pool.
    void start(const std::vector<std::string>& bridge_args = {},
               int publisher_version = MQTTVERSION_5);
    // `extra_config` is appended to Mosquitto's configuration (see MosquittoProcess).
    void start_broker(const std::string& extra_config = "");
    void start_bridge(const std::vector<std::string>& bridge_args,
                      BridgeProcess::WaitFor wait_for = BridgeProcess::WaitFor::healthy,
                      BridgeProcess::Options options = {});
    void start_publisher(int mqtt_version = MQTTVERSION_5);

    MosquittoProcess& broker() { return *broker_; }
    BridgeProcess& bridge() { return *bridge_; }
    MqttPublisher& publisher() { return *publisher_; }
    WsClientPool& clients() { return *clients_; }

    // Connects to the bridge at `resource` (e.g. "/ws/a/%23") and waits until open; throws
    // with the server's answer otherwise.
    WsConnection& connect(const std::string& resource,
                          const std::optional<std::string>& subprotocol = std::nullopt);
    // Connects in protocol mode and consumes the welcome frame (checked).
    WsConnection& connect_protocol(const std::string& resource = "/ws");

    // Publishes each topic with the topic itself as the (string) payload, QoS 0, in order.
    void publish_topics(const std::vector<std::string>& topics);

    // Waits until `connection` has received expected.size() frames and checks they are text
    // frames whose payloads are `expected`, in order.
    static ::testing::AssertionResult ReceivesTexts(WsConnection& connection,
                                                    const std::vector<std::string>& expected,
                                                    const Deadline& deadline = kDelivery);

    // The next frame, parsed as JSON (a text frame is required). Throws on timeout.
    static rapidjson::Document NextJson(WsConnection& connection,
                                        const Deadline& deadline = kDelivery);

    // Skips protocol-mode frames of type "status" (broker connection notices) and returns the
    // next other frame, parsed.
    static rapidjson::Document NextProtocolFrame(WsConnection& connection,
                                                 const Deadline& deadline = kDelivery);

  private:
    std::unique_ptr<MosquittoProcess> broker_;
    std::unique_ptr<BridgeProcess> bridge_;
    std::unique_ptr<MqttPublisher> publisher_;
    std::unique_ptr<WsClientPool> clients_;
};

}  // namespace mwb::it
