#include "mqttws/message_decoder.hpp"

#include <algorithm>

namespace mqttws {

std::string strip_topic_prefix(const std::string& mqtt_topic, const std::string& prefix) {
    if (prefix.empty() || mqtt_topic.size() <= prefix.size() ||
        mqtt_topic.compare(0, prefix.size(), prefix) != 0) {
        return mqtt_topic;
    }
    return mqtt_topic.substr(prefix.size());
}

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
        props.erase(target);
    }
    return DecodeResult::ok;
}

}  // namespace mqttws
