#include "mqttws/envelope_encoder.hpp"

#include <rapidjson/document.h>
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

// MQTT allows a name twice; a JSON object does not. Node-RED's mqtt in gives a repeated name
// the JSON text of all its values, in order (MQTT.js collects them in an array and Node-RED
// stringifies every value that is not a string), at the place of its first occurrence.
void write_user_properties(Writer& w, const UserProperties& props) {
    write_key(w, "userProperties");
    w.StartObject();
    for (std::size_t i = 0; i < props.size(); ++i) {
        const auto& name = props[i].first;
        const auto seen_before = [&](const auto& p) { return p.first == name; };
        if (std::any_of(props.begin(), props.begin() + static_cast<std::ptrdiff_t>(i),
                        seen_before)) {
            continue;
        }
        write_key(w, name);
        if (std::count_if(props.begin() + static_cast<std::ptrdiff_t>(i), props.end(),
                          seen_before) == 1) {
            write_string(w, props[i].second);
            continue;
        }
        rapidjson::StringBuffer values;
        Writer array(values);
        array.StartArray();
        for (std::size_t j = i; j < props.size(); ++j) {
            if (props[j].first == name) write_string(array, props[j].second);
        }
        array.EndArray();
        w.String(values.GetString(), static_cast<rapidjson::SizeType>(values.GetSize()));
    }
    w.EndObject();
}

bool has_field(const Message& msg, std::string_view name) {
    return std::any_of(msg.msg_fields.begin(), msg.msg_fields.end(),
                       [&](const auto& field) { return field.first == name; });
}

// `envelope`: the protocol's {"type":"message",...}, whose "type" a msg cannot replace.
void write_msg_fields(Writer& w, const Message& msg, bool envelope) {
    // A member of the msg a backend sent replaces the bridge's field of that name.
    const auto own = [&](std::string_view name) { return !has_field(msg, name); };
    write_key(w, "topic");
    write_string(w, msg.topic);
    write_payload(w, msg);
    if (own("qos")) {
        write_key(w, "qos");
        w.Int(msg.qos);
    }
    if (own("retain")) {
        write_key(w, "retain");
        w.Bool(msg.retain);
    }
    if (own("_msgid")) {
        write_key(w, "_msgid");
        write_string(w, msg.msgid);
    }
    if (msg.response_topic && own("responseTopic")) {
        write_key(w, "responseTopic");
        write_string(w, *msg.response_topic);
    }
    if (msg.correlation_data && own("correlationData") && own("correlationDataEncoding")) {
        write_key(w, "correlationData");
        if (is_valid_utf8(*msg.correlation_data)) {
            write_string(w, *msg.correlation_data);
        } else {
            write_string(w, base64_encode(*msg.correlation_data));
            write_key(w, "correlationDataEncoding");
            write_string(w, "base64");
        }
    }
    if (msg.content_type && own("contentType")) {
        write_key(w, "contentType");
        write_string(w, *msg.content_type);
    }
    if (!msg.user_properties.empty() && own("userProperties")) {
        write_user_properties(w, msg.user_properties);
    }
    if (msg.message_expiry_interval && own("messageExpiryInterval")) {
        write_key(w, "messageExpiryInterval");
        w.Uint(*msg.message_expiry_interval);
    }
    if (msg.payload_format_indicator && own("payloadFormatIndicator")) {
        write_key(w, "payloadFormatIndicator");
        w.Bool(*msg.payload_format_indicator);
    }
    for (const auto& [name, value] : msg.msg_fields) {
        if (envelope && name == "type") continue;
        write_key(w, name);
        // Compact JSON the session msg reader wrote.
        w.RawValue(value.data(), value.size(), rapidjson::kObjectType);
    }
}

std::string take(rapidjson::StringBuffer& buffer) {
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::optional<PayloadFrame> encode_payload_frame(const Message& msg) {
    if (msg.kind == PayloadKind::binary) return PayloadFrame{msg.payload, true};
    std::string text = msg.payload;
    if (msg.kind == PayloadKind::json) {
        // Node-RED parsed the payload and sends a string value as its text, unquoted.
        std::size_t first = text.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && text[first] == '"') {
            rapidjson::Document doc;
            doc.Parse(text.data(), text.size());
            if (!doc.HasParseError() && doc.IsString()) {
                text = to_valid_utf8(std::string_view(doc.GetString(), doc.GetStringLength()));
            }
        }
    }
    // Node-RED's websocket out sends nothing for an empty text.
    if (text.empty()) return std::nullopt;
    return PayloadFrame{std::move(text), false};
}

std::string encode_msg_json(const Message& msg) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_msg_fields(w, msg, false);
    w.EndObject();
    return take(buffer);
}

std::string encode_message_envelope(const Message& msg, const StreamPosition* position) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "message");
    write_msg_fields(w, msg, true);
    if (position) {
        write_key(w, "offset");
        w.Uint64(position->offset);
        write_key(w, "epoch");
        write_string(w, epoch_text(position->epoch));
    }
    w.EndObject();
    return take(buffer);
}

std::string epoch_text(std::uint64_t epoch) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, epoch >>= 4)
        out[static_cast<std::size_t>(i)] = digits[epoch & 15];
    return out;
}

std::optional<std::uint64_t> parse_epoch(std::string_view text) {
    if (text.size() != 16) return std::nullopt;
    std::uint64_t epoch = 0;
    for (const char c : text) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (digit < 0) return std::nullopt;
        epoch = epoch << 4 | static_cast<std::uint64_t>(digit);
    }
    return epoch;
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

std::string encode_subscribe_ack(std::string_view id_json, const SubscribeAck& ack) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "ack");
    write_key(w, "id");
    w.RawValue(id_json.data(), id_json.size(), rapidjson::kNumberType);
    if (ack.recovering) {
        write_key(w, "recovered");
        w.Bool(ack.recovered);
        if (!ack.recovered) {
            write_key(w, "reason");
            write_string(w, describe(ack.reason));
            if (!ack.topic.empty()) {
                write_key(w, "topic");
                write_string(w, ack.topic);
            }
        }
    }
    if (ack.positions) {
        write_key(w, "positions");
        w.StartObject();
        for (const auto& [topic, position] : *ack.positions) {
            write_key(w, topic);
            w.StartObject();
            write_key(w, "offset");
            w.Uint64(position.offset);
            write_key(w, "epoch");
            write_string(w, epoch_text(position.epoch));
            w.EndObject();
        }
        w.EndObject();
        if (!ack.positions_complete) {
            write_key(w, "positionsComplete");
            w.Bool(false);
        }
    }
    w.EndObject();
    return take(buffer);
}

std::string encode_recovery_lost(std::string_view topic) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_key(w, "type");
    write_string(w, "recovery");
    write_key(w, "recovered");
    w.Bool(false);
    write_key(w, "reason");
    write_string(w, describe(RecoveryStatus::trimmed));
    write_key(w, "topic");
    write_string(w, topic);
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
