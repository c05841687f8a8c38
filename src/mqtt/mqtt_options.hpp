// What the MQTT side needs from the configuration.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mqttws/message_decoder.hpp"
#include "mqttws/subscribe_spec.hpp"

namespace mqttws::mqtt {

struct MqttOptions {
    std::string url = "tcp://127.0.0.1:1883";
    std::string client_id;
    std::optional<std::string> username;
    std::optional<std::string> password;
    int version = 5;  // 5, or 4 for MQTT 3.1.1
    std::vector<SubscribeSpec> subscriptions;
    std::chrono::milliseconds reconnect_min{500};
    std::chrono::milliseconds reconnect_max{30000};
    std::chrono::seconds keep_alive{30};
    DecodeOptions decode;
    std::string events_topic;  // --events-topic; empty: no connection events
};

}  // namespace mqttws::mqtt
