// Role: logging (see connection_log.hpp).
#include "ws/connection_log.hpp"

#include <cmath>

#include "log/log_event.hpp"

namespace mqttws::ws {

namespace {

std::string_view path_only(std::string_view resource) {
    return resource.substr(0, resource.find('?'));
}

void log_refusal(std::string_view msg, std::string_view remote, std::string_view resource,
                 int status, std::string_view reason) {
    if (!log::enabled(spdlog::level::info)) return;
    log::event(spdlog::level::info, msg,
               log::Fields()
                   .add("remote", remote)
                   .add("path", path_only(resource))
                   .add("status", status)
                   .add("reason", reason));
}

}  // namespace

void log_connection_open(const ConnectionFacts& facts, bool protocol, std::size_t filters) {
    if (!log::enabled(spdlog::level::info)) return;
    log::event(spdlog::level::info, "connection open",
               log::Fields()
                   .add("session", facts.session)
                   .add("remote", facts.remote)
                   .add("path", path_only(facts.resource))
                   .add("mode", protocol ? "protocol" : "plain")
                   .add("filters", std::uint64_t{filters}));
}

void log_connection_closed(const ConnectionFacts& facts, const CloseFacts& close) {
    if (!log::enabled(spdlog::level::info)) return;
    log::Fields fields;
    fields.add("session", facts.session)
        .add("remote", facts.remote)
        .add("path", path_only(facts.resource))
        .add("code", close.code)
        .add("reason", close.reason);
    if (!close.error.empty()) fields.add("error", close.error);
    const double seconds = std::chrono::duration<double>(close.open_for).count();
    fields.add("duration_seconds", std::round(seconds * 1000.0) / 1000.0)
        .add("delivered", close.delivered);
    log::event(spdlog::level::info,
               close.was_open ? "connection closed" : "connection failed during handshake", fields);
}

void log_refused(std::string_view remote, std::string_view resource, int status,
                 std::string_view reason) {
    log_refusal("connection refused", remote, resource, status, reason);
}

void log_http_refused(std::string_view remote, std::string_view resource, int status,
                      std::string_view reason) {
    log_refusal("request refused", remote, resource, status, reason);
}

}  // namespace mqttws::ws
