// Parser for protocol-mode (mqtt-ws-bridge.v1) client frames.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mqttws/history_store.hpp"

namespace mqttws {

enum class RequestOp { subscribe, unsubscribe, publish, ping };

struct PublishRequest {
    std::string topic;
    std::string payload;             // text, JSON text, or decoded bytes
    bool payload_is_binary = false;  // "payloadEncoding":"base64"
    int qos = 0;
    bool retain = false;
    bool broadcast = false;
    std::optional<std::string> correlation_data;
};

struct ClientRequest {
    RequestOp op = RequestOp::ping;
    std::string id_json = "null";     // the request's "id", as JSON text
    std::vector<std::string> topics;  // subscribe/unsubscribe; every one valid
    // subscribe: "recover": true asks for the positions of what the filters
    // match (to pass back after a reconnect); "since" passes them back: per
    // topic the last {offset, epoch} the client saw.
    bool recover = false;
    std::vector<std::pair<std::string, StreamPosition>> since;
    PublishRequest publish;  // op == publish
};

// Error codes sent in {"type":"error","code":...}.
namespace error_code {
inline constexpr std::string_view bad_json = "bad_json";
inline constexpr std::string_view bad_request = "bad_request";
inline constexpr std::string_view unknown_op = "unknown_op";
inline constexpr std::string_view invalid_filter = "invalid_filter";
inline constexpr std::string_view invalid_topic = "invalid_topic";
inline constexpr std::string_view not_allowed = "not_allowed";
inline constexpr std::string_view unavailable = "unavailable";
inline constexpr std::string_view publish_failed = "publish_failed";
inline constexpr std::string_view too_many_subscriptions = "too_many_subscriptions";
// correlationData on MQTT 3.1.1, which has no property to carry it.
inline constexpr std::string_view not_supported = "not_supported";
}  // namespace error_code

struct RequestError {
    std::string id_json = "null";
    std::string_view code;
    std::string message;
};

// Nesting deeper than this is refused before it can exhaust the stack.
inline constexpr int max_request_depth = 32;

std::variant<ClientRequest, RequestError> parse_client_request(std::string_view frame);

}  // namespace mqttws
