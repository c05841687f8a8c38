// A lean MQTT 3.1.1/5 client codec for the load generator: CONNECT, SUBSCRIBE and QoS 0
// PUBLISH out; packets split from a read buffer without copying; PUBLISH read back with
// the two v5 properties the echo backend needs. Paho's async client costs several µs per
// message in callbacks and copies, which the generator cannot afford on the receive side.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mwb::bench {

enum class MqttVersion : std::uint8_t { V311 = 4, V5 = 5 };

enum class MqttPacketType : std::uint8_t {
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Subscribe = 8,
    Suback = 9,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14
};

using UserProperties = std::vector<std::pair<std::string, std::string>>;

std::string mqtt_connect(std::string_view client_id, MqttVersion version,
                         std::uint16_t keep_alive_s);
std::string mqtt_subscribe(std::uint16_t packet_id, std::string_view filter, MqttVersion version);
// Appends one QoS 0 PUBLISH; user properties and response topic only in v5.
void append_mqtt_publish(std::string& out, std::string_view topic, std::string_view payload,
                         MqttVersion version, const UserProperties& user_properties = {},
                         std::string_view response_topic = {});
// Appends one QoS 0 PUBLISH with the retain flag: the broker keeps it as the topic's
// state, and an empty payload deletes that state.
void append_mqtt_retained_publish(std::string& out, std::string_view topic,
                                  std::string_view payload, MqttVersion version);
// The broker answers PINGRESP after every packet sent before it on the connection.
std::string mqtt_pingreq();
std::string mqtt_disconnect();

enum class PacketStatus { Incomplete, Complete, Invalid };
struct PacketView {
    PacketStatus status = PacketStatus::Incomplete;
    MqttPacketType type = MqttPacketType::Connack;
    std::uint8_t flags = 0;
    std::string_view body;  // after the fixed header
    std::size_t consumed = 0;
};
PacketView split_mqtt_packet(std::string_view buffer);

struct PublishView {
    bool valid = false;
    std::string_view topic;
    std::string_view payload;
    std::string_view response_topic;  // v5 only, empty when absent
};
PublishView read_mqtt_publish(std::string_view body, std::uint8_t flags, MqttVersion version);

}  // namespace mwb::bench
