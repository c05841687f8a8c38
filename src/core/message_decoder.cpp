#include "mqttws/message_decoder.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include "mqttws/session_msg.hpp"

namespace mqttws {

std::string strip_topic_prefix(const std::string& mqtt_topic, const std::string& prefix) {
    if (prefix.empty() || mqtt_topic.size() <= prefix.size() ||
        mqtt_topic.compare(0, prefix.size(), prefix) != 0) {
        return mqtt_topic;
    }
    return mqtt_topic.substr(prefix.size());
}

namespace {

// A Node-RED flow publishing "entire message" sends the msg as JSON; when it
// carries _session.id it is meant for that session, and the client gets the
// inner msg. A payload nested too deep to unwrap safely is dropped rather than
// broadcast. A session of another transport ("type":"tcp") is dropped too:
// Node-RED's websocket out would broadcast it, handing one client's answer to
// every subscriber.
DecodeResult unwrap_session_msg(Message& msg) {
    std::optional<SessionMsg> inner = read_session_msg(msg.payload);
    if (!inner) return DecodeResult::ok;
    if (inner->too_deep) return DecodeResult::refused_payload;
    if (inner->type && *inner->type != "websocket") return DecodeResult::other_session_type;
    msg.target_session = std::move(inner->session);
    if (inner->topic) msg.topic = std::move(*inner->topic);
    msg.payload = std::move(inner->payload);
    msg.kind = inner->kind;
    msg.msg_fields = std::move(inner->fields);
    return DecodeResult::ok;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return !prefix.empty() && text.size() > prefix.size() &&
           text.compare(0, prefix.size(), prefix) == 0;
}

// The session level of a reply topic: <root><instance>/<session>[/...], or
// <reply_topic_prefix><session>[/...] without a root.
std::optional<std::string> reply_topic_session(std::string_view topic,
                                               const DecodeOptions& options) {
    std::size_t start = 0;
    if (starts_with(topic, options.reply_topics_root)) {
        const std::size_t instance_end = topic.find('/', options.reply_topics_root.size());
        if (instance_end == options.reply_topics_root.size() ||
            instance_end == std::string_view::npos) {
            return std::nullopt;
        }
        start = instance_end + 1;
    } else if (options.reply_topics_root.empty() &&
               starts_with(topic, options.reply_topic_prefix)) {
        start = options.reply_topic_prefix.size();
    } else {
        return std::nullopt;
    }
    const std::string_view session = topic.substr(start, topic.find('/', start) - start);
    if (session.empty()) return std::nullopt;
    return std::string(session);
}

}  // namespace

DecodeResult decode_message(Message& msg, const DecodeOptions& options) {
    if (!options.events_topic.empty() && msg.mqtt_topic == options.events_topic) {
        return DecodeResult::events_topic;
    }
    const auto kind = classify_payload(msg.payload, options.payload_mode, msg.content_type);
    if (!kind) return DecodeResult::refused_payload;
    msg.kind = *kind;
    msg.topic = strip_topic_prefix(msg.mqtt_topic, options.strip_prefix);

    auto& props = msg.user_properties;
    const auto target = std::find_if(props.begin(), props.end(), [&](const auto& p) {
        return p.first == options.session_property;
    });
    if (target != props.end()) {
        msg.target_session = target->second;
        // The targeting property never reaches the client, however often it appears.
        props.erase(
            std::remove_if(target, props.end(),
                           [&](const auto& p) { return p.first == options.session_property; }),
            props.end());
    }
    auto reply_session = reply_topic_session(msg.mqtt_topic, options);
    if (!msg.target_session) msg.target_session = reply_session;
    msg.on_reply_topic = reply_session && msg.target_session == reply_session;
    if (!msg.target_session && msg.kind == PayloadKind::json) return unwrap_session_msg(msg);
    return DecodeResult::ok;
}

}  // namespace mqttws
