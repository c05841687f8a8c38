#include "mqttws/inbound_publish.hpp"

#include "json_frame.hpp"
#include "mqttws/session_msg.hpp"
#include "mqttws/topic_filter.hpp"

namespace mqttws {

namespace {

RequestError refuse(std::string_view code, std::string message) {
    return RequestError{"null", code, std::move(message)};
}

}  // namespace

std::string expand_topic_template(std::string_view topic_template, std::string_view session) {
    constexpr std::string_view placeholder = "{session}";
    std::string out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = topic_template.find(placeholder, start);
        out.append(topic_template.substr(start, at - start));
        if (at == std::string_view::npos) return out;
        out.append(session);
        start = at + placeholder.size();
    }
}

std::variant<PublishRequest, RequestError> plain_frame_to_publish(std::string_view frame,
                                                                  bool binary,
                                                                  std::string_view session,
                                                                  const InboundOptions& options) {
    PublishRequest request;
    request.topic = expand_topic_template(options.topic_template, session);
    if (!options.msg_mode) {
        request.payload = std::string(frame);
        request.payload_is_binary = binary;
        return request;
    }
    // Node-RED's "entire message": the frame is a msg object.
    if (binary) {
        return refuse(error_code::bad_request, "expected a JSON msg object, got a binary frame");
    }
    auto read = read_json_frame(frame);
    if (auto* error = std::get_if<RequestError>(&read)) return std::move(*error);
    JsonFrame& json = std::get<JsonFrame>(read);
    if (!json.rest.IsObject()) {
        return refuse(error_code::bad_request,
                      "expected a JSON msg object, got " + std::string(json_kind(json.rest)));
    }
    if (const auto topic = json.rest.FindMember("topic"); topic != json.rest.MemberEnd()) {
        if (!topic->value.IsString()) {
            return refuse(error_code::bad_request, "\"topic\" must be a string");
        }
        request.topic.assign(topic->value.GetString(), topic->value.GetStringLength());
    }
    // What Node-RED's mqtt out honours in a msg: qos, retain, a Buffer payload as its bytes.
    if (auto error = read_publish_fields(json.rest, json.parts, true, request)) {
        return refuse(error_code::bad_request, std::move(*error));
    }
    return request;
}

std::variant<std::string, RequestError> authorize_publish(const std::string& topic,
                                                          const InboundOptions& options) {
    if (const TopicError error = validate_topic_name(topic); error != TopicError::ok) {
        return refuse(error_code::invalid_topic,
                      std::string(describe(error)) + ": '" + topic + "'");
    }
    std::string mqtt_topic = options.strip_prefix + topic;
    if (!options.reply_topics_root.empty() &&
        mqtt_topic.compare(0, options.reply_topics_root.size(), options.reply_topics_root) == 0) {
        return refuse(error_code::not_allowed,
                      "'" + mqtt_topic + "' is a reply topic: only backends publish there");
    }
    for (const auto& filter : options.allow_publish) {
        if (topic_matches(filter, mqtt_topic)) return mqtt_topic;
    }
    return refuse(error_code::not_allowed,
                  "publishing to '" + mqtt_topic + "' is not allowed (see --allow-publish)");
}

std::optional<RequestError> refuse_session_payload(std::string_view payload) {
    if (!read_session_msg(payload)) return std::nullopt;
    return refuse(error_code::not_allowed,
                  "a payload naming a session (\"_session\":{\"id\":...}) would be delivered to "
                  "that session; clients may not publish one");
}

}  // namespace mqttws
