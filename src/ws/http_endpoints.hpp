// Role: HTTP endpoints. The plain-HTTP endpoints beside the WebSocket path: /healthz (always
// open, for probes) and /metrics (optionally behind --http-admin-token).
// Built as values here; the shard only copies them onto the connection.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <websocketpp/http/constants.hpp>

#include "mqttws/static_files.hpp"
#include "ws/connection_log.hpp"
#include "ws/server_state.hpp"
#include "ws/static_reply.hpp"
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

// The answer to a GET, as the answer to a HEAD (RFC 9110 section 9.3.2): the
// same status and headers, Content-Length that of the body not sent.
template <typename Connection>
void drop_body_for_head(Connection& con) {
    const std::string length = con.get_response().get_header("Content-Length");
    con.set_body("");  // which also drops Content-Length
    if (!length.empty()) con.replace_header("Content-Length", length);
}

// The answer to GET (and to any other method the endpoint does not refuse).
template <typename Connection>
void answer_get(Connection& con, const WsOptions& options, const ServerState& state,
                const std::function<std::string()>& render_metrics, const StaticFiles* console) {
    const std::string& resource = con.get_resource();
    const std::string path = resource.substr(0, resource.find('?'));
    if (path == "/healthz") {
        send_answer(&con, healthz_answer(state));
        return;
    }
    if (path == "/metrics" && render_metrics) {
        if (auto refusal = admin_refusal(options, con.get_request_header("Authorization"))) {
            log_http_refused(con.get_remote_endpoint(), path, static_cast<int>(refusal->status),
                             "missing or wrong admin token");
            send_answer(&con, *refusal);
            return;
        }
        send_answer(&con, metrics_answer(render_metrics()));
        return;
    }
    if (console) {
        if (auto reply = console->respond(con.get_request().get_method(), path)) {
            write_static_reply(con, *reply);
            return;
        }
    }
    if (path == options.ws_path || path.rfind(options.ws_path + "/", 0) == 0) {
        con.set_status(websocketpp::http::status_code::upgrade_required);
        con.replace_header("Upgrade", "websocket");
        con.set_body("this endpoint speaks WebSocket only\n");
        return;
    }
    con.set_status(websocketpp::http::status_code::not_found);
    con.set_body("not found\n");
}

// Answers a plain HTTP request (not an upgrade): /healthz, /metrics, the
// web console, 426 on the WebSocket path, 404 elsewhere. HEAD is answered
// like GET, without the body.
template <typename Connection>
void answer_http(Connection& con, const WsOptions& options, const ServerState& state,
                 const std::function<std::string()>& render_metrics, const StaticFiles* console) {
    answer_get(con, options, state, render_metrics, console);
    if (con.get_request().get_method() == "HEAD") drop_body_for_head(con);
}

}  // namespace mqttws::ws
