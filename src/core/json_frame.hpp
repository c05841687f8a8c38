// A client's JSON frame, read the one way for protocol ops and for --send msg frames: NUL bytes
// and nesting refused before any tree is built, the payload streamed out, the small rest parsed.
// Every refusal says what was wrong with the frame. Core-internal.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mqttws/client_request.hpp"
#include "mqttws/request_frame.hpp"

namespace mqttws {

struct JsonFrame {
    SplitFrame parts;
    rapidjson::Document rest;  // any JSON value; the caller says whether it must be an object
};

// The error's id is "null": nothing of the frame could be trusted yet.
std::variant<JsonFrame, RequestError> read_json_frame(std::string_view frame);

// "an array", "a string", "a number", "a boolean", "null", "an object".
std::string_view json_kind(const rapidjson::Value& value);

// The publish fields a protocol publish op and a msg-mode frame share: the payload (and
// "payloadEncoding"), "qos", "retain", "broadcast", "correlationData". `node_red_buffer`: a
// payload {"type":"Buffer","data":[...]} (Node-RED's JSON for bytes) is published as those
// bytes. Returns what was wrong (a bad_request), nullopt when the fields were read.
std::optional<std::string> read_publish_fields(const rapidjson::Value& root, SplitFrame& parts,
                                               bool node_red_buffer, PublishRequest& out);

}  // namespace mqttws
