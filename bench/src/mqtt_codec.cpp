#include "mqtt_codec.hpp"

namespace mwb::bench {
namespace {

constexpr std::uint8_t kPropResponseTopic = 0x08;
constexpr std::uint8_t kPropUserProperty = 0x26;

void append_varint(std::string& out, std::size_t value) {
    do {
        auto byte = static_cast<std::uint8_t>(value & 0x7F);
        value >>= 7;
        if (value != 0) byte |= 0x80;
        out += static_cast<char>(byte);
    } while (value != 0);
}

void append_u16(std::string& out, std::size_t value) {
    out += static_cast<char>((value >> 8) & 0xFF);
    out += static_cast<char>(value & 0xFF);
}

void append_string(std::string& out, std::string_view text) {
    append_u16(out, text.size());
    out.append(text);
}

void append_packet(std::string& out, std::uint8_t first_byte, std::string_view body) {
    out += static_cast<char>(first_byte);
    append_varint(out, body.size());
    out.append(body);
}

// Reads a variable byte integer at `pos`; false when incomplete or longer than 4 bytes.
bool read_varint(std::string_view data, std::size_t& pos, std::size_t& value, bool& incomplete) {
    value = 0;
    incomplete = false;
    for (int i = 0; i < 4; ++i) {
        if (pos >= data.size()) {
            incomplete = true;
            return false;
        }
        const auto byte = static_cast<std::uint8_t>(data[pos++]);
        value |= static_cast<std::size_t>(byte & 0x7F) << (7 * i);
        if ((byte & 0x80) == 0) return true;
    }
    return false;
}

bool read_string(std::string_view data, std::size_t& pos, std::string_view& text) {
    if (data.size() - pos < 2) return false;
    const std::size_t length =
        (static_cast<std::size_t>(static_cast<std::uint8_t>(data[pos])) << 8) |
        static_cast<std::uint8_t>(data[pos + 1]);
    pos += 2;
    if (data.size() - pos < length) return false;
    text = data.substr(pos, length);
    pos += length;
    return true;
}

}  // namespace

std::string mqtt_connect(std::string_view client_id, MqttVersion version,
                         std::uint16_t keep_alive_s) {
    std::string body;
    append_string(body, "MQTT");
    body += static_cast<char>(version);
    body += static_cast<char>(0x02);  // clean start, no credentials, no will
    append_u16(body, keep_alive_s);
    if (version == MqttVersion::V5) body += '\0';  // no properties
    append_string(body, client_id);
    std::string out;
    append_packet(out, 0x10, body);
    return out;
}

std::string mqtt_subscribe(std::uint16_t packet_id, std::string_view filter, MqttVersion version) {
    std::string body;
    append_u16(body, packet_id);
    if (version == MqttVersion::V5) body += '\0';
    append_string(body, filter);
    body += '\0';  // QoS 0
    std::string out;
    append_packet(out, 0x82, body);
    return out;
}

void append_mqtt_publish(std::string& out, std::string_view topic, std::string_view payload,
                         MqttVersion version, const UserProperties& user_properties,
                         std::string_view response_topic) {
    std::string properties;
    if (version == MqttVersion::V5) {
        if (!response_topic.empty()) {
            properties += static_cast<char>(kPropResponseTopic);
            append_string(properties, response_topic);
        }
        for (const auto& [name, value] : user_properties) {
            properties += static_cast<char>(kPropUserProperty);
            append_string(properties, name);
            append_string(properties, value);
        }
    }
    std::size_t length = 2 + topic.size() + payload.size();
    std::string property_length;
    if (version == MqttVersion::V5) {
        append_varint(property_length, properties.size());
        length += property_length.size() + properties.size();
    }
    out += static_cast<char>(0x30);
    append_varint(out, length);
    append_string(out, topic);
    out += property_length;
    out += properties;
    out.append(payload);
}

void append_mqtt_retained_publish(std::string& out, std::string_view topic,
                                  std::string_view payload, MqttVersion version) {
    const std::size_t start = out.size();
    append_mqtt_publish(out, topic, payload, version);
    out[start] = static_cast<char>(out[start] | 0x01);  // RETAIN, bit 0 of the first byte
}

std::string mqtt_pingreq() {
    return std::string("\xC0\x00", 2);
}

std::string mqtt_disconnect() {
    return std::string("\xE0\x00", 2);
}

PacketView split_mqtt_packet(std::string_view buffer) {
    PacketView packet;
    if (buffer.empty()) return packet;
    std::size_t pos = 1;
    std::size_t length = 0;
    bool incomplete = false;
    if (!read_varint(buffer, pos, length, incomplete)) {
        if (!incomplete) packet.status = PacketStatus::Invalid;
        return packet;
    }
    if (buffer.size() - pos < length) return packet;
    const auto first = static_cast<std::uint8_t>(buffer[0]);
    packet.status = PacketStatus::Complete;
    packet.type = static_cast<MqttPacketType>(first >> 4);
    packet.flags = first & 0x0F;
    packet.body = buffer.substr(pos, length);
    packet.consumed = pos + length;
    return packet;
}

PublishView read_mqtt_publish(std::string_view body, std::uint8_t flags, MqttVersion version) {
    PublishView publish;
    std::size_t pos = 0;
    if (!read_string(body, pos, publish.topic)) return publish;
    if ((flags & 0x06) != 0) pos += 2;  // QoS > 0: packet identifier
    if (pos > body.size()) return publish;
    if (version == MqttVersion::V5) {
        std::size_t properties_length = 0;
        bool incomplete = false;
        if (!read_varint(body, pos, properties_length, incomplete)) return publish;
        if (body.size() - pos < properties_length) return publish;
        const std::string_view properties = body.substr(pos, properties_length);
        pos += properties_length;
        std::size_t p = 0;
        while (p < properties.size()) {
            const auto id = static_cast<std::uint8_t>(properties[p++]);
            std::string_view text;
            std::string_view ignored;
            switch (id) {
                case kPropResponseTopic:
                    if (!read_string(properties, p, text)) return publish;
                    publish.response_topic = text;
                    break;
                case 0x01:  // payload format indicator
                    p += 1;
                    break;
                case 0x02:  // message expiry interval
                    p += 4;
                    break;
                case 0x23:  // topic alias
                    p += 2;
                    break;
                case 0x03:  // content type
                case 0x09:  // correlation data (binary, same length-prefixed shape)
                    if (!read_string(properties, p, ignored)) return publish;
                    break;
                case kPropUserProperty:
                    if (!read_string(properties, p, ignored) ||
                        !read_string(properties, p, ignored)) {
                        return publish;
                    }
                    break;
                case 0x0B: {  // subscription identifier
                    std::size_t value = 0;
                    bool incomplete = false;
                    if (!read_varint(properties, p, value, incomplete)) return publish;
                    break;
                }
                default:
                    return publish;
            }
            if (p > properties.size()) return publish;
        }
    }
    publish.payload = body.substr(pos);
    publish.valid = true;
    return publish;
}

}  // namespace mwb::bench
