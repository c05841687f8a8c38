// The plain-HTTP endpoints beside the WebSocket path: /healthz (always
// open, for probes) and /metrics (optionally behind --http-admin-token).
// Built as values here; the shard only copies them onto the connection.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <websocketpp/http/constants.hpp>

#include "ws/server_state.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

struct HttpAnswer {
    websocketpp::http::status_code::value status = websocketpp::http::status_code::ok;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// 200 when the broker link is up, 503 otherwise; the same JSON either way.
HttpAnswer healthz_answer(const ServerState& state);

// With --http-admin-token set and `authorization` (the request's header,
// "" if absent) not carrying it: the 401 to send. Otherwise nullopt.
std::optional<HttpAnswer> admin_refusal(const WsOptions& options, const std::string& authorization);

HttpAnswer metrics_answer(std::string exposition);

template <typename ConnectionPtr>
void send_answer(const ConnectionPtr& con, const HttpAnswer& answer) {
    con->set_status(answer.status);
    if (!answer.content_type.empty()) con->replace_header("Content-Type", answer.content_type);
    for (const auto& [name, value] : answer.headers) con->replace_header(name, value);
    con->set_body(answer.body);
}

}  // namespace mqttws::ws
