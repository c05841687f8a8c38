// The Node-RED "entire message" that names a session:
// {"_session":{"id":"<session>"},"topic":"...","payload":...}. From a backend it targets that
// one client with the inner topic and payload; from a client it would do the same to someone
// else, so the way in refuses exactly what the decoder would read as one (one function, so
// the two can never disagree).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqttws/message.hpp"

namespace mqttws {

struct SessionMsg {
    std::string session;
    // Unwrapping re-serialises the inner payload recursively: too deep, it is not unwrapped
    // (and the message is dropped rather than broadcast).
    bool too_deep = false;
    std::optional<std::string> topic;  // the inner topic, when it is a string
    std::string payload;
    PayloadKind kind = PayloadKind::string;
    // "_session"."type" when it is a string: Node-RED's websocket out answers only "websocket".
    std::optional<std::string> type;
    // Every other member but "_session", "topic" and "payload", in order, its value as compact
    // JSON; a repeated name keeps its last value, as JSON.parse does.
    std::vector<std::pair<std::string, std::string>> fields;
};

// nullopt unless `payload` is a JSON object whose "_session" is an object with a string "id".
std::optional<SessionMsg> read_session_msg(std::string_view payload);

}  // namespace mqttws
