#include "mqttws/envelope_encoder.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "mqttws/base64.hpp"
#include "mqttws/utf8.hpp"

namespace mqttws {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Brokers do not all check UTF-8 in topics and properties; a text frame
// must be valid UTF-8, so invalid bytes become U+FFFD.
void write_string(Writer& w, std::string_view s) {
    if (is_valid_utf8(s)) {
        w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
        return;
    }
    const std::string valid = to_valid_utf8(s);
    w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void write_key(Writer& w, std::string_view key) {
    if (is_valid_utf8(key)) {
        w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        return;
    }
    const std::string valid = to_valid_utf8(key);
    w.Key(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void write_payload(Writer& w, const Message& msg) {
    write_key(w, "payload");
    switch (msg.kind) {
        case PayloadKind::json:
            // Validated by the decoder; embedded verbatim, no re-serialisation.
            w.RawValue(msg.payload.data(), msg.payload.size(), rapidjson::kObjectType);
            break;
        case PayloadKind::string:
            write_string(w, msg.payload);
            break;
        case PayloadKind::binary:
            write_string(w, base64_encode(msg.payload));
            write_key(w, "payloadEncoding");
            write_string(w, "base64");
            break;
    }
}

void write_msg_fields(Writer& w, const Message& msg) {
    write_key(w, "topic");
    write_string(w, msg.topic);
    write_payload(w, msg);
    write_key(w, "qos");
    w.Int(msg.qos);
    write_key(w, "retain");
    w.Bool(msg.retain);
    write_key(w, "_msgid");
    write_string(w, msg.msgid);
    if (msg.response_topic) {
        write_key(w, "responseTopic");
        write_string(w, *msg.response_topic);
    }
    if (msg.correlation_data) {
        write_key(w, "correlationData");
        if (is_valid_utf8(*msg.correlation_data)) {
            write_string(w, *msg.correlation_data);
        } else {
            write_string(w, base64_encode(*msg.correlation_data));
            write_key(w, "correlationDataEncoding");
            write_string(w, "base64");
        }
    }
    if (msg.content_type) {
        write_key(w, "contentType");
        write_string(w, *msg.content_type);
    }
    if (!msg.user_properties.empty()) {
        write_key(w, "userProperties");
        w.StartObject();
        // MQTT allows a name twice; a JSON object does not: the last wins,
        // as in Node-RED.
        const auto& props = msg.user_properties;
        for (std::size_t i = 0; i < props.size(); ++i) {
            const bool repeated =
                std::any_of(props.begin() + static_cast<std::ptrdiff_t>(i) + 1, props.end(),
                            [&](const auto& p) { return p.first == props[i].first; });
            if (repeated) continue;
            write_key(w, props[i].first);
            write_string(w, props[i].second);
        }
        w.EndObject();
    }
    if (msg.message_expiry_interval) {
        write_key(w, "messageExpiryInterval");
        w.Uint(*msg.message_expiry_interval);
    }
}

std::string take(rapidjson::StringBuffer& buffer) {
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string encode_msg_json(const Message& msg) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_msg_fields(w, msg);
    w.EndObject();
    return take(buffer);
}

std::string encode_message_envelope(const Message& msg) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "message");
    write_msg_fields(w, msg);
    w.EndObject();
    return take(buffer);
}

std::string encode_welcome(std::string_view session_id) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "welcome");
    write_key(w, "session");
    write_string(w, session_id);
    w.EndObject();
    return take(buffer);
}

std::string encode_ack(std::string_view id_json) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "ack");
    write_key(w, "id");
    w.RawValue(id_json.data(), id_json.size(), rapidjson::kNumberType);
    w.EndObject();
    return take(buffer);
}

std::string encode_error(std::string_view id_json, std::string_view code,
                         std::string_view message) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "error");
    write_key(w, "id");
    w.RawValue(id_json.data(), id_json.size(), rapidjson::kNumberType);
    write_key(w, "code");
    write_string(w, code);
    write_key(w, "message");
    write_string(w, message);
    w.EndObject();
    return take(buffer);
}

std::string encode_status(bool mqtt_connected) {
    return mqtt_connected ? R"({"type":"status","mqtt":"connected"})"
                          : R"({"type":"status","mqtt":"disconnected"})";
}

std::string encode_dropped(std::uint64_t count) {
    return R"({"type":"dropped","count":)" + std::to_string(count) + "}";
}

std::string encode_connection_event(std::string_view event, std::string_view session,
                                    std::string_view remote, std::string_view path,
                                    const std::vector<std::string>& subscriptions,
                                    std::string_view user) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "event");
    write_string(w, event);
    write_key(w, "session");
    write_string(w, session);
    write_key(w, "remote");
    write_string(w, remote);
    write_key(w, "path");
    write_string(w, path);
    write_key(w, "subscriptions");
    w.StartArray();
    for (const auto& filter : subscriptions) write_string(w, filter);
    w.EndArray();
    if (!user.empty()) {
        write_key(w, "user");
        write_string(w, user);
    }
    w.EndObject();
    return take(buffer);
}

}  // namespace mqttws
