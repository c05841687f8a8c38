#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <memory>
#include <string>

#include "harness/deadline.hpp"

namespace mwb::it {

// A Paho MQTT client on the test broker that subscribes and hands out what arrives, in order
// (for tests of what the bridge publishes).
class MqttSubscriber {
  public:
    explicit MqttSubscriber(const std::string& broker_url, int mqtt_version = MQTTVERSION_5);
    ~MqttSubscriber();
    MqttSubscriber(const MqttSubscriber&) = delete;
    MqttSubscriber& operator=(const MqttSubscriber&) = delete;

    // Waits for the SUBACK; throws when refused or late.
    void subscribe(const std::string& filter, int qos = 0);

    // The next message, or nullptr at the deadline.
    mqtt::const_message_ptr next_message(const Deadline& deadline);

  private:
    int version_;
    std::unique_ptr<mqtt::async_client> client_;
};

}  // namespace mwb::it
