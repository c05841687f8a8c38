// Role: HTTP endpoints (see http_endpoints.hpp).
#include "ws/http_endpoints.hpp"

#include <chrono>

#include "mqttws/bearer_token.hpp"
#include "mqttws/health_report.hpp"

namespace mqttws::ws {

namespace status = websocketpp::http::status_code;

HttpAnswer healthz_answer(const ServerState& state) {
    HealthReport report;
    report.mqtt_connected = state.mqtt_connected.load(std::memory_order_relaxed);
    report.draining = state.draining.load(std::memory_order_relaxed);
    report.clients = state.connections.load(std::memory_order_relaxed);
    report.uptime_seconds =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::steady_clock::now() - state.started)
                                       .count());
    report.version = MWB_VERSION;
    HttpAnswer answer;
    answer.status = is_healthy(report) ? status::ok : status::service_unavailable;
    answer.content_type = "application/json";
    answer.body = encode_health(report);
    // A probe wants the state now, never a cached one.
    answer.headers.emplace_back("Cache-Control", "no-store");
    return answer;
}

std::optional<HttpAnswer> admin_refusal(const WsOptions& options,
                                        const std::string& authorization) {
    if (options.http_admin_token.empty()) return std::nullopt;
    if (bearer_token_matches(authorization, options.http_admin_token)) return std::nullopt;
    HttpAnswer answer;
    answer.status = status::unauthorized;
    answer.content_type = "text/plain; charset=utf-8";
    answer.body = "a valid 'Authorization: Bearer <token>' header is required\n";
    answer.headers.emplace_back("WWW-Authenticate",
                                authorization.empty()
                                    ? R"(Bearer realm="mqtt-ws-bridge")"
                                    : R"(Bearer realm="mqtt-ws-bridge", error="invalid_token")");
    return answer;
}

HttpAnswer metrics_answer(std::string exposition) {
    HttpAnswer answer;
    answer.content_type = "text/plain; version=0.0.4; charset=utf-8";
    answer.body = std::move(exposition);
    answer.headers.emplace_back("Cache-Control", "no-store");
    return answer;
}

}  // namespace mqttws::ws
