#include "json_frame.hpp"

#include <rapidjson/error/en.h>

#include "mqttws/base64.hpp"
#include "mqttws/json_depth.hpp"

namespace mqttws {

namespace {

std::string_view view(const rapidjson::Value& s) {
    return std::string_view(s.GetString(), s.GetStringLength());
}

RequestError bad_json(std::string message) {
    return RequestError{"null", error_code::bad_json, std::move(message)};
}

enum class BufferJson { not_buffer, bytes, invalid };

// Node-RED writes a Buffer as {"type":"Buffer","data":[bytes]} (Buffer.toJSON).
BufferJson read_buffer_json(const std::string& payload, std::string& bytes) {
    // Compact JSON from the split: the pair is spelt this way when it is there at all.
    if (payload.empty() || payload.front() != '{' ||
        payload.find(R"("type":"Buffer")") == std::string::npos) {
        return BufferJson::not_buffer;
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
    if (doc.HasParseError() || !doc.IsObject()) return BufferJson::not_buffer;
    const auto type = doc.FindMember("type");
    if (type == doc.MemberEnd() || !type->value.IsString() || view(type->value) != "Buffer") {
        return BufferJson::not_buffer;
    }
    const auto data = doc.FindMember("data");
    if (data == doc.MemberEnd() || !data->value.IsArray()) return BufferJson::invalid;
    bytes.clear();
    bytes.reserve(data->value.Size());
    for (const auto& item : data->value.GetArray()) {
        if (!item.IsUint() || item.GetUint() > 255) return BufferJson::invalid;
        bytes.push_back(static_cast<char>(item.GetUint()));
    }
    return BufferJson::bytes;
}

std::optional<std::string> read_payload(const rapidjson::Value& root, SplitFrame& parts,
                                        bool node_red_buffer, PublishRequest& out) {
    bool base64 = false;
    if (const auto enc = root.FindMember("payloadEncoding"); enc != root.MemberEnd()) {
        if (!enc->value.IsString() || view(enc->value) != "base64") {
            return "\"payloadEncoding\" can only be \"base64\"";
        }
        base64 = true;
    }
    if (!parts.payload) return std::nullopt;
    if (base64) {
        if (!parts.payload_is_string) return "a base64 payload must be a string";
        auto bytes = base64_decode(*parts.payload);
        if (!bytes) return "payload is not valid base64";
        out.payload = std::move(*bytes);
        out.payload_is_binary = true;
        return std::nullopt;
    }
    if (node_red_buffer && !parts.payload_is_string) {
        switch (read_buffer_json(*parts.payload, out.payload)) {
            case BufferJson::bytes:
                out.payload_is_binary = true;
                return std::nullopt;
            case BufferJson::invalid:
                return "a Buffer payload {\"type\":\"Buffer\",\"data\":[...]} needs \"data\" "
                       "to be an array of integers from 0 to 255";
            case BufferJson::not_buffer:
                break;
        }
    }
    out.payload = std::move(*parts.payload);
    return std::nullopt;
}

}  // namespace

std::variant<JsonFrame, RequestError> read_json_frame(std::string_view frame) {
    // RapidJSON reads a NUL byte as the end of input; JSON text never holds one.
    if (frame.find('\0') != std::string_view::npos) {
        return bad_json("not valid JSON: NUL byte in the frame");
    }
    // The payload is re-serialised as it streams out: bound the nesting first.
    if (check_json_depth(frame, max_request_depth) == JsonDepth::too_deep) {
        return bad_json("JSON nested deeper than " + std::to_string(max_request_depth) + " levels");
    }
    auto split = split_request_frame(frame);
    if (auto* failure = std::get_if<SplitFailure>(&split)) {
        return RequestError{
            "null", failure->too_many_values ? error_code::bad_request : error_code::bad_json,
            std::move(failure->message)};
    }
    JsonFrame out{std::get<SplitFrame>(std::move(split)), {}};
    out.rest.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
        out.parts.rest.data(), out.parts.rest.size());
    if (out.rest.HasParseError()) {
        return bad_json(std::string("not valid JSON: ") +
                        rapidjson::GetParseError_En(out.rest.GetParseError()));
    }
    return out;
}

std::string_view json_kind(const rapidjson::Value& value) {
    switch (value.GetType()) {
        case rapidjson::kNullType:
            return "null";
        case rapidjson::kFalseType:
        case rapidjson::kTrueType:
            return "a boolean";
        case rapidjson::kObjectType:
            return "an object";
        case rapidjson::kArrayType:
            return "an array";
        case rapidjson::kStringType:
            return "a string";
        case rapidjson::kNumberType:
            break;
    }
    return "a number";
}

std::optional<std::string> read_publish_fields(const rapidjson::Value& root, SplitFrame& parts,
                                               bool node_red_buffer, PublishRequest& out) {
    if (auto error = read_payload(root, parts, node_red_buffer, out)) return error;
    if (const auto qos = root.FindMember("qos"); qos != root.MemberEnd()) {
        if (!qos->value.IsInt() || qos->value.GetInt() < 0 || qos->value.GetInt() > 2) {
            return "\"qos\" must be 0, 1 or 2";
        }
        out.qos = qos->value.GetInt();
    }
    for (auto [name, flag] :
         {std::pair{"retain", &out.retain}, std::pair{"broadcast", &out.broadcast}}) {
        const auto it = root.FindMember(name);
        if (it == root.MemberEnd()) continue;
        if (!it->value.IsBool()) return std::string("\"") + name + "\" must be true or false";
        *flag = it->value.GetBool();
    }
    if (const auto corr = root.FindMember("correlationData"); corr != root.MemberEnd()) {
        if (!corr->value.IsString()) return "\"correlationData\" must be a string";
        out.correlation_data = std::string(view(corr->value));
    }
    return std::nullopt;
}

}  // namespace mqttws
