// What the MQTT side needs from the configuration.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqttws/message_decoder.hpp"
#include "mqttws/subscribe_spec.hpp"

namespace mqttws::mqtt {

// TLS to the broker (ssl://, mqtts://, wss:// URLs).
struct MqttTls {
    bool enabled = false;   // the URL asks for TLS
    std::string ca_file;    // --mqtt-ca; empty: the system's trust store
    std::string cert_file;  // --mqtt-cert, with --mqtt-key: a client certificate
    std::string key_file;
    bool insecure = false;  // --mqtt-insecure: no verification of the broker
};

// The defaults are --help's (a unit test compares them): the flag table in src/app sets
// every field from its flag.
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
    std::string status_topic;  // --status-topic: retained online/offline
    // --mqtt-session-expiry: keep the broker session (and queued QoS>=1
    // messages) this long across a disconnect; 0: a clean session each time.
    std::chrono::seconds session_expiry{0};
    std::uint64_t max_payload = 1 << 20;  // larger messages are dropped
    MqttTls tls;
};

}  // namespace mqttws::mqtt
