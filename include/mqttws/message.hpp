// The msg object: one MQTT message as the bridge hands it to WebSocket clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mqttws {

// How the payload is represented to clients (README, Payloads).
enum class PayloadKind { string, json, binary };

using UserProperties = std::vector<std::pair<std::string, std::string>>;

struct Message {
    std::string mqtt_topic;  // as the broker delivered it
    std::string topic;       // msg.topic: mqtt_topic after --strip-prefix
    std::string payload;     // raw bytes (JSON text when kind == json)
    PayloadKind kind = PayloadKind::binary;
    int qos = 0;
    bool retain = false;
    std::string msgid;  // msg._msgid

    // MQTT v5 properties, present only when the message carried them.
    std::optional<std::string> response_topic;
    std::optional<std::string> correlation_data;
    std::optional<std::string> content_type;
    UserProperties user_properties;
    std::optional<std::uint32_t> message_expiry_interval;
    std::optional<bool> payload_format_indicator;

    // A Node-RED msg that named a session (see session_msg.hpp) keeps its other members, as
    // Node-RED's websocket out sends the whole msg it is given: each name with its value as
    // compact JSON. Members named like the bridge's own fields (qos, _msgid, ...) replace them.
    std::vector<std::pair<std::string, std::string>> msg_fields;

    // The session this message is meant for, if any; never sent to clients.
    std::optional<std::string> target_session;
    // The target is named by the message's topic: the session's own reply
    // topic, where answers to its requests arrive. Any other targeted message
    // is still held to what the session may subscribe to.
    bool on_reply_topic = false;

    // When the broker's message reached the bridge (for the delivery latency
    // histogram); unset (epoch) for messages the bridge made itself.
    std::chrono::steady_clock::time_point arrival{};
};

// Messages are decoded once and then shared read-only by every shard.
using MessagePtr = std::shared_ptr<const Message>;

}  // namespace mqttws
