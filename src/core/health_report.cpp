#include "mqttws/health_report.hpp"

#include "mqttws/json_string.hpp"

namespace mqttws {

bool is_healthy(const HealthReport& report) {
    return report.mqtt_connected && !report.draining;
}

std::string encode_health(const HealthReport& report) {
    std::string out = R"({"status":")";
    out += report.draining ? "draining" : report.mqtt_connected ? "ok" : "unavailable";
    out += R"(","mqtt":")";
    out += report.mqtt_connected ? "connected" : "disconnected";
    out += R"(","clients":)";
    out += std::to_string(report.clients);
    out += R"(,"uptime_seconds":)";
    out += std::to_string(report.uptime_seconds);
    out += R"(,"version":)";
    append_json_string(out, report.version);
    out += "}\n";
    return out;
}

}  // namespace mqttws
