#include "mqttws/session_msg.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unordered_map>

#include "mqttws/json_depth.hpp"
#include "mqttws/utf8.hpp"

namespace mqttws {

namespace {

// Accept() recurses once per level: a publisher must not exhaust the stack with nesting.
constexpr int max_unwrap_depth = 512;

std::string view_of(const rapidjson::Value& value) {
    return std::string(value.GetString(), value.GetStringLength());
}

// Embedded verbatim in the frames clients get, which must be UTF-8: RapidJSON decodes a lone
// low-surrogate escape ("\uDC00") to bytes that are not.
std::string compact(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    const std::string_view text(buffer.GetString(), buffer.GetSize());
    return is_valid_utf8(text) ? std::string(text) : to_valid_utf8(text);
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
    if (const auto type = session->value.FindMember("type");
        type != session->value.MemberEnd() && type->value.IsString()) {
        msg.type = view_of(type->value);
    }
    if (!json_within_depth(payload, max_unwrap_depth)) {
        msg.too_deep = true;
        return msg;
    }
    std::unordered_map<std::string, std::size_t> seen;
    for (const auto& member : doc.GetObject()) {
        std::string name = view_of(member.name);
        if (name == "_session") continue;
        if (name == "topic") {
            if (member.value.IsString()) msg.topic = view_of(member.value);
            continue;
        }
        if (name == "payload") {
            if (member.value.IsString()) {
                msg.payload = view_of(member.value);
                msg.kind = PayloadKind::string;
            } else {
                msg.payload = compact(member.value);
                msg.kind = PayloadKind::json;
            }
            continue;
        }
        auto [at, added] = seen.emplace(name, msg.fields.size());
        if (added) {
            msg.fields.emplace_back(std::move(name), compact(member.value));
        } else {
            msg.fields[at->second].second = compact(member.value);
        }
    }
    return msg;
}

}  // namespace mqttws
