// The values derived from several flags and the checks of flags against each other.
#include "app/cross_checks.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include "mqttws/broker_url.hpp"
#include "mqttws/history_spec.hpp"
#include "mqttws/inbound_publish.hpp"
#include "mqttws/listen_address.hpp"
#include "mqttws/subscribe_spec.hpp"
#include "mqttws/topic_filter.hpp"

namespace mqttws::app {

namespace {

std::string random_hex() {
    std::random_device device;
    std::ostringstream id;
    id << std::hex << device() << device();
    return id.str();
}

// The first line of `path`, without a trailing '\r'.
std::optional<std::string> first_line(const std::string& path) {
    std::ifstream file(path);
    std::string line;
    if (!file || !std::getline(file, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::optional<FlagProblem> read_password(const FlagInputs& in, mqtt::MqttOptions& mqtt) {
    if (!in.mqtt_password.empty() && !in.mqtt_password_file.empty()) {
        return FlagProblem{"--mqtt-password-file", "give --mqtt-password or the file, not both"};
    }
    if (!in.mqtt_password.empty()) mqtt.password = in.mqtt_password;
    if (!in.mqtt_password_file.empty()) {
        mqtt.password = first_line(in.mqtt_password_file);
        if (!mqtt.password) {
            return FlagProblem{"--mqtt-password-file",
                               "cannot read '" + in.mqtt_password_file + "'"};
        }
    }
    return std::nullopt;
}

// --http-admin-token or the first line of --http-admin-token-file (never
// both). The token is never echoed back in a refusal.
std::optional<FlagProblem> read_admin_token(const FlagInputs& in, std::string& token) {
    if (!in.http_admin_token.empty() && !in.http_admin_token_file.empty()) {
        return FlagProblem{"--http-admin-token-file",
                           "give --http-admin-token or the file, not both"};
    }
    const char* flag = "--http-admin-token";
    token = in.http_admin_token;
    if (!in.http_admin_token_file.empty()) {
        flag = "--http-admin-token-file";
        const auto line = first_line(in.http_admin_token_file);
        if (!line) return FlagProblem{flag, "cannot read '" + in.http_admin_token_file + "'"};
        if (line->empty()) return FlagProblem{flag, "the first line is empty"};
        token = *line;
    }
    // It travels in an HTTP header: visible ASCII only, no spaces.
    for (const char c : token) {
        if (c <= 0x20 || c >= 0x7f) {
            return FlagProblem{flag, "the token must be printable ASCII without spaces"};
        }
    }
    return std::nullopt;
}

// The broker subscriptions: --subscribe, and this instance's reply topics.
void plan_broker_subscriptions(const FlagInputs& in, Config& config) {
    auto& mqtt = config.mqtt;
    mqtt.subscriptions.clear();
    for (const auto& text : in.subscribe) {
        mqtt.subscriptions.push_back(std::get<SubscribeSpec>(parse_subscribe_spec(text)));
    }
    mqtt.decode.reply_topic_prefix = in.reply_prefix + "/" + config.instance_id + "/";
    // Other instances' reply topics target too (and are dropped as not local here).
    mqtt.decode.reply_topics_root = in.reply_prefix + "/";
    // Answers to this instance's clients come back here, and only here.
    mqtt.subscriptions.push_back(SubscribeSpec{mqtt.decode.reply_topic_prefix + "#", 1});
    auto plan = plan_subscriptions(std::move(mqtt.subscriptions));
    mqtt.subscriptions = std::move(plan.subscriptions);
    for (const auto& [a, b] : plan.overlaps) {
        config.warnings.push_back("--subscribe filters '" + a + "' and '" + b +
                                  "' overlap: the broker delivers messages matching both twice");
    }
}

// Plain clients' frames go to --inbound-topic, and are refused unless --allow-publish
// covers it: by default every one is dropped, which is easy to miss.
void warn_if_inbound_topic_refused(const InboundOptions& inbound, std::vector<std::string>& out) {
    // Each {session} may be any session id: the level holding it is any level.
    std::string filter;
    std::istringstream levels(inbound.strip_prefix + inbound.topic_template);
    for (std::string level; std::getline(levels, level, '/');) {
        filter += (filter.empty() ? "" : "/") +
                  (level.find("{session}") == std::string::npos ? level : std::string("+"));
    }
    if (validate_filter(filter) != TopicError::ok) return;
    for (const auto& allowed : inbound.allow_publish) {
        if (filter_covers(allowed, filter)) return;
    }
    out.push_back("--inbound-topic '" + inbound.topic_template +
                  "' is not covered by --allow-publish: frames from plain-mode clients are "
                  "refused; add --allow-publish '" +
                  filter + "' to let them publish");
}

}  // namespace

std::optional<FlagProblem> complete_config(const FlagInputs& in, Config& config) {
    auto& mqtt = config.mqtt;
    auto& ws = config.ws;
    const bool stable_id = !config.instance_id.empty() || !mqtt.client_id.empty();
    if (config.instance_id.empty()) config.instance_id = random_hex();
    ws.instance_id = config.instance_id;
    if (mqtt.client_id.empty()) mqtt.client_id = "mqtt-ws-bridge-" + config.instance_id;
    if (!in.mqtt_username.empty()) mqtt.username = in.mqtt_username;
    if (auto problem = read_password(in, mqtt)) return problem;
    plan_broker_subscriptions(in, config);
    apply_history_specs(in.history, ws.history);
    mqtt.decode.events_topic = mqtt.events_topic;
    if (mqtt.session_expiry.count() > 0 && !stable_id) {
        return FlagProblem{"--mqtt-session-expiry",
                           "a kept session needs a stable --mqtt-client-id or --instance-id"};
    }
    if (mqtt.reconnect_min.count() <= 0 || mqtt.reconnect_max < mqtt.reconnect_min) {
        return FlagProblem{"--mqtt-reconnect-max", "must be at least --mqtt-reconnect-min (> 0)"};
    }

    const auto listen = parse_listen_address(in.listen);
    ws.listen_host = listen->host;
    ws.listen_port = listen->port;
    auto& inbound = ws.inbound;
    inbound.strip_prefix = mqtt.decode.strip_prefix;
    inbound.reply_topics_root = mqtt.decode.reply_topics_root;
    inbound.msg_mode = ws.send_msg;
    warn_if_inbound_topic_refused(inbound, config.warnings);
    ws.console = !in.no_console;
    if (auto problem = read_admin_token(in, ws.http_admin_token)) return problem;

    const bool mqtt_tls = std::get<BrokerUrl>(parse_broker_url(mqtt.url)).tls;
    return apply_security_flags(in.security, mqtt_tls, config);
}

}  // namespace mqttws::app
