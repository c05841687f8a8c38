#include "mqttws/session_msg.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "mqttws/json_depth.hpp"

namespace mqttws {

namespace {

// Accept() recurses once per level: a publisher must not exhaust the stack with nesting.
constexpr int max_unwrap_depth = 512;

std::string view_of(const rapidjson::Value& value) {
    return std::string(value.GetString(), value.GetStringLength());
}

}  // namespace

std::optional<SessionMsg> read_session_msg(std::string_view payload) {
    // Most payloads never mention it: skip the parse. A key spelt with escapes is missed
    // here on both sides alike, so such a payload is neither unwrapped nor refused.
    if (payload.find("\"_session\"") == std::string_view::npos) return std::nullopt;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
    if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
    const auto session = doc.FindMember("_session");
    if (session == doc.MemberEnd() || !session->value.IsObject()) return std::nullopt;
    const auto id = session->value.FindMember("id");
    if (id == session->value.MemberEnd() || !id->value.IsString()) return std::nullopt;

    SessionMsg msg;
    msg.session = view_of(id->value);
    if (!json_within_depth(payload, max_unwrap_depth)) {
        msg.too_deep = true;
        return msg;
    }
    if (const auto topic = doc.FindMember("topic");
        topic != doc.MemberEnd() && topic->value.IsString()) {
        msg.topic = view_of(topic->value);
    }
    const auto inner = doc.FindMember("payload");
    if (inner == doc.MemberEnd()) return msg;
    if (inner->value.IsString()) {
        msg.payload = view_of(inner->value);
        return msg;
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    inner->value.Accept(writer);
    msg.payload.assign(buffer.GetString(), buffer.GetSize());
    msg.kind = PayloadKind::json;
    return msg;
}

}  // namespace mqttws
