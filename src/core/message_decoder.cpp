#include "mqttws/message_decoder.hpp"

#include "mqttws/json_depth.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <string_view>

namespace mqttws {

std::string strip_topic_prefix(const std::string& mqtt_topic, const std::string& prefix) {
    if (prefix.empty() || mqtt_topic.size() <= prefix.size() ||
        mqtt_topic.compare(0, prefix.size(), prefix) != 0) {
        return mqtt_topic;
    }
    return mqtt_topic.substr(prefix.size());
}

namespace {

// Re-serialising the inner payload (Accept) recurses once per level: a
// publisher must not be able to exhaust the stack with deep nesting.
constexpr int max_unwrap_depth = 512;

// A Node-RED flow publishing "entire message" sends the msg as JSON; when it
// carries _session.id it is meant for that session, and the client gets the
// inner payload and topic. False when the payload is nested too deep to
// unwrap safely: the message is then dropped rather than broadcast.
bool unwrap_session_msg(Message& msg) {
    if (msg.payload.find("\"_session\"") == std::string::npos) return true;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(msg.payload.data(), msg.payload.size());
    if (doc.HasParseError() || !doc.IsObject()) return true;
    const auto session = doc.FindMember("_session");
    if (session == doc.MemberEnd() || !session->value.IsObject()) return true;
    const auto id = session->value.FindMember("id");
    if (id == session->value.MemberEnd() || !id->value.IsString()) return true;
    if (!json_within_depth(msg.payload, max_unwrap_depth)) return false;
    msg.target_session.emplace(id->value.GetString(), id->value.GetStringLength());

    if (const auto topic = doc.FindMember("topic");
        topic != doc.MemberEnd() && topic->value.IsString()) {
        msg.topic.assign(topic->value.GetString(), topic->value.GetStringLength());
    }
    const auto payload = doc.FindMember("payload");
    if (payload == doc.MemberEnd()) {
        msg.payload.clear();
        msg.kind = PayloadKind::string;
    } else if (payload->value.IsString()) {
        msg.payload.assign(payload->value.GetString(), payload->value.GetStringLength());
        msg.kind = PayloadKind::string;
    } else {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        payload->value.Accept(writer);
        msg.payload.assign(buffer.GetString(), buffer.GetSize());
        msg.kind = PayloadKind::json;
    }
    return true;
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
    if (!msg.target_session && msg.kind == PayloadKind::json && !unwrap_session_msg(msg)) {
        return DecodeResult::refused_payload;
    }
    return DecodeResult::ok;
}

}  // namespace mqttws
