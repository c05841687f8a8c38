#pragma once

#include <mqtt/async_client.h>

#include <memory>
#include <string>

namespace mwb::it {

// A Paho MQTT client connected to the test broker (MQTT 5 unless told otherwise) that publishes
// and waits for each publish to complete (written for QoS 0, acknowledged for QoS 1/2), so
// messages leave in the order of the calls.
class MqttPublisher {
  public:
    explicit MqttPublisher(const std::string& broker_url, int mqtt_version = MQTTVERSION_5);
    ~MqttPublisher();
    MqttPublisher(const MqttPublisher&) = delete;
    MqttPublisher& operator=(const MqttPublisher&) = delete;

    // Throws when the publish does not complete within a few seconds.
    void publish(const std::string& topic, const std::string& payload, int qos = 0,
                 bool retain = false, const mqtt::properties& properties = {});

    int mqtt_version() const { return version_; }

    // A client id unique in this test process.
    static std::string unique_client_id(const std::string& role);

  private:
    int version_;
    std::unique_ptr<mqtt::async_client> client_;
};

}  // namespace mwb::it
