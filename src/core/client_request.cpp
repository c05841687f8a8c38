#include "mqttws/client_request.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "json_frame.hpp"
#include "mqttws/envelope_encoder.hpp"
#include "mqttws/json_string.hpp"
#include "mqttws/topic_filter.hpp"

namespace mqttws {

namespace {

std::string_view view(const rapidjson::Value& s) {
    return std::string_view(s.GetString(), s.GetStringLength());
}

// The id as JSON text to echo back. A string goes through the repairing escaper:
// RapidJSON decodes a lone low-surrogate escape ("\uDC00") to bytes that are not
// UTF-8, and the echo must stay valid JSON.
std::string to_json(const rapidjson::Value& value) {
    if (value.IsString()) {
        std::string out;
        append_json_string(out, view(value));
        return out;
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

RequestError fail(const std::string& id_json, std::string_view code, std::string message) {
    return RequestError{id_json, code, std::move(message)};
}

std::variant<ClientRequest, RequestError> parse_topics(const rapidjson::Value& root,
                                                       ClientRequest request) {
    const auto it = root.FindMember("topics");
    if (it == root.MemberEnd() || !it->value.IsArray() || it->value.Empty()) {
        return fail(request.id_json, error_code::bad_request,
                    "\"topics\" must be a non-empty array of topic filters");
    }
    for (const auto& item : it->value.GetArray()) {
        if (!item.IsString()) {
            return fail(request.id_json, error_code::bad_request,
                        "every entry of \"topics\" must be a string");
        }
        const std::string_view filter = view(item);
        if (const TopicError error = validate_filter(filter); error != TopicError::ok) {
            return fail(request.id_json, error_code::invalid_filter,
                        std::string(describe(error)) + ": '" + std::string(filter) + "'");
        }
        request.topics.emplace_back(filter);
    }
    return request;
}

// "recover" and "since" of a subscribe.
std::variant<ClientRequest, RequestError> parse_recovery(const rapidjson::Value& root,
                                                         ClientRequest request) {
    if (const auto recover = root.FindMember("recover"); recover != root.MemberEnd()) {
        if (!recover->value.IsBool()) {
            return fail(request.id_json, error_code::bad_request, "\"recover\" must be a boolean");
        }
        request.recover = recover->value.GetBool();
    }
    const auto since = root.FindMember("since");
    if (since == root.MemberEnd()) return request;
    if (!since->value.IsObject()) {
        return fail(request.id_json, error_code::bad_request,
                    "\"since\" must be an object of topic: {offset, epoch}");
    }
    request.recover = true;
    for (const auto& member : since->value.GetObject()) {
        const std::string topic(view(member.name));
        if (const TopicError error = validate_topic_name(topic); error != TopicError::ok) {
            return fail(request.id_json, error_code::invalid_topic,
                        std::string(describe(error)) + ": '" + topic + "' in \"since\"");
        }
        const rapidjson::Value& at = member.value;
        const auto offset = at.IsObject() ? at.FindMember("offset") : at.MemberEnd();
        const auto epoch = at.IsObject() ? at.FindMember("epoch") : at.MemberEnd();
        std::optional<std::uint64_t> parsed_epoch;
        if (at.IsObject() && epoch != at.MemberEnd() && epoch->value.IsString()) {
            parsed_epoch = parse_epoch(view(epoch->value));
        }
        if (!at.IsObject() || offset == at.MemberEnd() || !offset->value.IsUint64() ||
            !parsed_epoch) {
            return fail(request.id_json, error_code::bad_request,
                        "\"since\" of '" + topic +
                            "' must be {\"offset\": N, \"epoch\": \"16 hex digits\"}");
        }
        request.since.emplace_back(topic, StreamPosition{offset->value.GetUint64(), *parsed_epoch});
    }
    return request;
}

// The payload comes from the streaming split, not from `root` (where it is null).
std::variant<ClientRequest, RequestError> parse_publish(const rapidjson::Value& root,
                                                        SplitFrame& payload,
                                                        ClientRequest request) {
    PublishRequest& publish = request.publish;
    const auto topic = root.FindMember("topic");
    if (topic == root.MemberEnd() || !topic->value.IsString()) {
        return fail(request.id_json, error_code::bad_request, "\"topic\" must be a string");
    }
    publish.topic = std::string(view(topic->value));
    if (const TopicError error = validate_topic_name(publish.topic); error != TopicError::ok) {
        return fail(request.id_json, error_code::invalid_topic,
                    std::string(describe(error)) + ": '" + publish.topic + "'");
    }

    if (auto error = read_publish_fields(root, payload, false, publish)) {
        return fail(request.id_json, error_code::bad_request, std::move(*error));
    }
    return request;
}

}  // namespace

std::variant<ClientRequest, RequestError> parse_client_request(std::string_view frame) {
    auto read = read_json_frame(frame);
    if (auto* error = std::get_if<RequestError>(&read)) return std::move(*error);
    JsonFrame& json = std::get<JsonFrame>(read);
    const rapidjson::Document& doc = json.rest;
    if (!doc.IsObject()) {
        return fail("null", error_code::bad_request, "a request must be a JSON object");
    }

    ClientRequest request;
    if (const auto id = doc.FindMember("id"); id != doc.MemberEnd()) {
        if (!id->value.IsNumber() && !id->value.IsString() && !id->value.IsNull()) {
            return fail("null", error_code::bad_request, "\"id\" must be a number or a string");
        }
        request.id_json = to_json(id->value);
    }
    const auto op = doc.FindMember("op");
    if (op == doc.MemberEnd() || !op->value.IsString()) {
        return fail(request.id_json, error_code::bad_request, "\"op\" must be a string");
    }
    const std::string_view name = view(op->value);
    if (name == "subscribe" || name == "unsubscribe") {
        request.op = name == "subscribe" ? RequestOp::subscribe : RequestOp::unsubscribe;
        auto parsed = parse_topics(doc, std::move(request));
        if (name == "unsubscribe" || std::holds_alternative<RequestError>(parsed)) return parsed;
        return parse_recovery(doc, std::get<ClientRequest>(std::move(parsed)));
    }
    if (name == "publish") {
        request.op = RequestOp::publish;
        return parse_publish(doc, json.parts, std::move(request));
    }
    if (name == "ping") {
        request.op = RequestOp::ping;
        return request;
    }
    return fail(request.id_json, error_code::unknown_op,
                "unknown op '" + std::string(name) +
                    "' (expected subscribe, unsubscribe, publish or ping)");
}

}  // namespace mqttws
