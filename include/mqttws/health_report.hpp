// The body of GET /healthz: one JSON object, the same shape whether the
// bridge is healthy (200) or not (503), so probes and people read one format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mqttws {

struct HealthReport {
    bool mqtt_connected = false;
    // After SIGTERM: a load balancer's health check must stop sending clients.
    bool draining = false;
    std::uint64_t clients = 0;
    std::uint64_t uptime_seconds = 0;
    std::string_view version;
};

// {"status":"ok"|"unavailable"|"draining","mqtt":"connected"|"disconnected",
//  "clients":N,"uptime_seconds":N,"version":"…"} and a newline.
std::string encode_health(const HealthReport& report);

// 200 when true, 503 otherwise.
bool is_healthy(const HealthReport& report);

}  // namespace mqttws
