#include "app/command_line.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "app/security_flags.hpp"
#include "mqttws/broker_url.hpp"
#include "mqttws/inbound_publish.hpp"
#include "mqttws/payload_decoder.hpp"
#include "mqttws/session_id.hpp"
#include "mqttws/topic_filter.hpp"
#include "mqttws/units.hpp"
#include "ws/console_files.hpp"

namespace mqttws::app {

namespace {

// A refusal: which flag, and why.
struct BadValue {
    std::string flag;
    std::string reason;
};

// Raw strings as the user typed them; checked and converted afterwards so
// every refusal reads the same way.
struct RawFlags {
    std::string mqtt_url = "tcp://127.0.0.1:1883";
    std::string mqtt_client_id;
    std::string mqtt_username;
    std::string mqtt_password;
    std::string mqtt_password_file;
    std::string mqtt_version = "5";
    std::vector<std::string> subscribe{"#"};
    std::string payload = "auto";
    std::string strip_prefix;
    std::string listen = "0.0.0.0:8080";
    std::string ws_path = "/ws";
    std::string send = "payload";
    std::string session_property = "session";
    std::string log_level = "info";
    std::string log_format = "text";
    std::string http_admin_token;
    std::string http_admin_token_file;
    unsigned threads = 0;
    std::string max_buffered_bytes = "1MiB";
    std::string max_message_size = "64KiB";
    std::size_t max_subscriptions = 100;
    std::string mqtt_reconnect_min = "500ms";
    std::string mqtt_reconnect_max = "30s";
    std::string shutdown_timeout = "5s";
    std::string instance_id;
    std::string reply_prefix = "mqtt-ws-bridge/reply";
    std::string inbound_topic = "mqtt-ws-bridge/in/{session}";
    std::vector<std::string> allow_publish;
    std::string events_topic;
    std::size_t retained_cache = 10000;
    std::string retained_bytes = "64MiB";
    std::string retained_settle = "1s";
    std::size_t max_connections = 100000;
    std::string slow_client = "close";
    std::string ping_interval = "30s";
    std::string pong_timeout = "10s";
    std::string handshake_timeout = "5s";
    std::string status_topic;
    std::string mqtt_session_expiry = "0s";
    std::string max_payload = "1MiB";
    bool no_console = false;
    std::string console_dir;
    SecurityFlags security;
};

std::string random_hex() {
    std::random_device device;
    std::ostringstream id;
    id << std::hex << device() << device();
    return id.str();
}

std::optional<BadValue> check_topic_name(const char* flag, const std::string& topic) {
    if (const TopicError error = validate_topic_name(topic); error != TopicError::ok) {
        return BadValue{flag, "'" + topic + "': " + std::string(describe(error))};
    }
    return std::nullopt;
}

bool parse_listen(const std::string& text, ws::WsOptions& out) {
    std::string host;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return false;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos) return false;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
        return false;
    }
    out.listen_host = host.empty() ? "0.0.0.0" : host;
    out.listen_port = static_cast<std::uint16_t>(value);
    return true;
}

// --http-admin-token or the first line of --http-admin-token-file (never
// both). The token is never echoed back in a refusal.
std::optional<BadValue> read_admin_token(const RawFlags& raw, std::string& token) {
    if (!raw.http_admin_token.empty() && !raw.http_admin_token_file.empty()) {
        return BadValue{"--http-admin-token-file", "give --http-admin-token or the file, not both"};
    }
    token = raw.http_admin_token;
    if (!raw.http_admin_token_file.empty()) {
        std::ifstream file(raw.http_admin_token_file);
        if (!file || !std::getline(file, token)) {
            return BadValue{"--http-admin-token-file",
                            "cannot read '" + raw.http_admin_token_file + "'"};
        }
        if (!token.empty() && token.back() == '\r') token.pop_back();
        if (token.empty()) return BadValue{"--http-admin-token-file", "the first line is empty"};
    }
    // It travels in an HTTP header: visible ASCII only, no spaces.
    for (const char c : token) {
        if (c <= 0x20 || c >= 0x7f) {
            return BadValue{raw.http_admin_token_file.empty() ? "--http-admin-token"
                                                              : "--http-admin-token-file",
                            "the token must be printable ASCII without spaces"};
        }
    }
    return std::nullopt;
}

std::optional<BadValue> check(const RawFlags& raw, Config& config) {
    auto& mqtt = config.mqtt;
    auto& ws = config.ws;

    const auto url = parse_broker_url(raw.mqtt_url);
    if (auto* reason = std::get_if<std::string>(&url)) return BadValue{"--mqtt-url", *reason};
    mqtt.url = raw.mqtt_url;
    config.instance_id = raw.instance_id.empty() ? random_hex() : raw.instance_id;
    if (!is_valid_instance_id(config.instance_id)) {
        return BadValue{"--instance-id", "'" + config.instance_id +
                                             "': use 1 to 64 ASCII letters, digits, '-' or '_'"};
    }
    ws.instance_id = config.instance_id;
    mqtt.client_id =
        raw.mqtt_client_id.empty() ? "mqtt-ws-bridge-" + config.instance_id : raw.mqtt_client_id;
    if (!raw.mqtt_username.empty()) mqtt.username = raw.mqtt_username;
    if (!raw.mqtt_password.empty() && !raw.mqtt_password_file.empty()) {
        return BadValue{"--mqtt-password-file", "give --mqtt-password or the file, not both"};
    }
    if (!raw.mqtt_password.empty()) mqtt.password = raw.mqtt_password;
    if (!raw.mqtt_password_file.empty()) {
        std::ifstream file(raw.mqtt_password_file);
        std::string password;
        if (!file || !std::getline(file, password)) {
            return BadValue{"--mqtt-password-file", "cannot read '" + raw.mqtt_password_file + "'"};
        }
        if (!password.empty() && password.back() == '\r') password.pop_back();
        mqtt.password = password;
    }
    if (raw.mqtt_version == "5") {
        mqtt.version = 5;
    } else if (raw.mqtt_version == "3.1.1") {
        mqtt.version = 4;
    } else {
        return BadValue{"--mqtt-version", "'" + raw.mqtt_version + "' is not 5 or 3.1.1"};
    }
    mqtt.subscriptions.clear();
    for (const auto& text : raw.subscribe) {
        auto spec = parse_subscribe_spec(text);
        if (auto* reason = std::get_if<std::string>(&spec)) return BadValue{"--subscribe", *reason};
        mqtt.subscriptions.push_back(std::get<SubscribeSpec>(std::move(spec)));
    }
    if (raw.reply_prefix.empty() || raw.reply_prefix.back() == '/') {
        return BadValue{"--reply-prefix", "must be a topic without a trailing '/'"};
    }
    if (auto bad = check_topic_name("--reply-prefix", raw.reply_prefix)) return bad;
    mqtt.decode.reply_topic_prefix = raw.reply_prefix + "/" + config.instance_id + "/";
    // Other instances' reply topics target too (and are dropped as not local here).
    mqtt.decode.reply_topics_root = raw.reply_prefix + "/";
    // Answers to this instance's clients come back here, and only here.
    mqtt.subscriptions.push_back(SubscribeSpec{mqtt.decode.reply_topic_prefix + "#", 1});
    auto plan = plan_subscriptions(std::move(mqtt.subscriptions));
    mqtt.subscriptions = std::move(plan.subscriptions);
    for (const auto& [a, b] : plan.overlaps) {
        config.warnings.push_back("--subscribe filters '" + a + "' and '" + b +
                                  "' overlap: the broker delivers messages matching both twice");
    }
    if (!raw.events_topic.empty()) {
        if (auto bad = check_topic_name("--events-topic", raw.events_topic)) return bad;
    }
    mqtt.events_topic = raw.events_topic;
    mqtt.decode.events_topic = raw.events_topic;

    auto& inbound = ws.inbound;
    if (auto bad = check_topic_name("--inbound-topic",
                                    expand_topic_template(raw.inbound_topic, "session"))) {
        return bad;
    }
    inbound.topic_template = raw.inbound_topic;
    for (const auto& filter : raw.allow_publish) {
        if (const TopicError error = validate_filter(filter); error != TopicError::ok) {
            return BadValue{"--allow-publish", "'" + filter + "': " + std::string(describe(error))};
        }
    }
    inbound.allow_publish = raw.allow_publish;
    inbound.strip_prefix = raw.strip_prefix;
    inbound.reply_topics_root = mqtt.decode.reply_topics_root;
    ws.retained_cache = raw.retained_cache;

    const auto mode = parse_payload_mode(raw.payload);
    if (!mode) {
        return BadValue{"--payload",
                        "'" + raw.payload + "' is not one of auto, string, json, binary"};
    }
    mqtt.decode.payload_mode = *mode;
    mqtt.decode.strip_prefix = raw.strip_prefix;
    if (raw.session_property.empty()) return BadValue{"--session-property", "must not be empty"};
    mqtt.decode.session_property = raw.session_property;
    for (auto [flag, text, out] :
         {std::tuple{"--mqtt-reconnect-min", &raw.mqtt_reconnect_min, &mqtt.reconnect_min},
          std::tuple{"--mqtt-reconnect-max", &raw.mqtt_reconnect_max, &mqtt.reconnect_max},
          std::tuple{"--shutdown-timeout", &raw.shutdown_timeout, &ws.shutdown_timeout},
          std::tuple{"--ping-interval", &raw.ping_interval, &ws.ping_interval},
          std::tuple{"--pong-timeout", &raw.pong_timeout, &ws.pong_timeout},
          std::tuple{"--handshake-timeout", &raw.handshake_timeout, &ws.handshake_timeout},
          std::tuple{"--retained-settle", &raw.retained_settle, &ws.retained_settle}}) {
        const auto duration = parse_duration(*text);
        if (!duration) {
            return BadValue{flag, "'" + *text + "' is not a duration (e.g. 500ms, 30s, 5m)"};
        }
        *out = *duration;
    }
    for (auto [flag, value] : {std::pair{"--ping-interval", ws.ping_interval},
                               std::pair{"--pong-timeout", ws.pong_timeout},
                               std::pair{"--handshake-timeout", ws.handshake_timeout},
                               std::pair{"--retained-settle", ws.retained_settle}}) {
        if (value.count() <= 0) return BadValue{flag, "must be more than 0"};
    }
    const auto expiry = parse_duration(raw.mqtt_session_expiry);
    if (!expiry || *expiry > std::chrono::hours(24 * 365 * 100)) {
        return BadValue{"--mqtt-session-expiry",
                        "'" + raw.mqtt_session_expiry + "' is not a duration (e.g. 0s, 10m)"};
    }
    mqtt.session_expiry = std::chrono::duration_cast<std::chrono::seconds>(*expiry);
    if (mqtt.session_expiry.count() > 0 && raw.mqtt_client_id.empty() && raw.instance_id.empty()) {
        return BadValue{"--mqtt-session-expiry",
                        "a kept session needs a stable --mqtt-client-id or --instance-id"};
    }
    if (!raw.status_topic.empty()) {
        if (auto bad = check_topic_name("--status-topic", raw.status_topic)) return bad;
    }
    mqtt.status_topic = raw.status_topic;
    if (raw.slow_client != "close" && raw.slow_client != "drop") {
        return BadValue{"--slow-client", "'" + raw.slow_client + "' is not close or drop"};
    }
    ws.slow_client_drop = raw.slow_client == "drop";
    if (raw.max_connections == 0) return BadValue{"--max-connections", "must be at least 1"};
    ws.max_connections = raw.max_connections;
    if (mqtt.reconnect_min.count() <= 0 || mqtt.reconnect_max < mqtt.reconnect_min) {
        return BadValue{"--mqtt-reconnect-max", "must be at least --mqtt-reconnect-min (> 0)"};
    }

    if (!parse_listen(raw.listen, ws)) {
        return BadValue{"--listen", "'" + raw.listen + "' is not HOST:PORT (e.g. 0.0.0.0:8080)"};
    }
    if (raw.ws_path.size() < 2 || raw.ws_path.front() != '/' || raw.ws_path.back() == '/' ||
        raw.ws_path.find_first_of("?#%") != std::string::npos) {
        return BadValue{"--ws-path", "'" + raw.ws_path + "' must look like /ws"};
    }
    ws.ws_path = raw.ws_path;
    if (raw.send != "payload" && raw.send != "msg") {
        return BadValue{"--send", "'" + raw.send + "' is not payload or msg"};
    }
    ws.send_msg = raw.send == "msg";
    inbound.msg_mode = ws.send_msg;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    ws.threads = raw.threads == 0 ? cores : raw.threads;
    if (ws.threads > max_shards) {
        return BadValue{"--threads", "at most " + std::to_string(max_shards)};
    }
    for (auto [flag, text, out] :
         {std::tuple{"--max-buffered-bytes", &raw.max_buffered_bytes, &ws.max_buffered_bytes},
          std::tuple{"--max-message-size", &raw.max_message_size, &ws.max_message_size},
          std::tuple{"--max-payload", &raw.max_payload, &mqtt.max_payload},
          std::tuple{"--retained-bytes", &raw.retained_bytes, &ws.retained_bytes}}) {
        const auto size = parse_size(*text);
        if (!size || *size == 0) {
            return BadValue{flag, "'" + *text + "' is not a size (e.g. 512, 64KiB, 1MiB)"};
        }
        *out = *size;
    }
    if (raw.max_subscriptions == 0) return BadValue{"--max-subscriptions", "must be at least 1"};
    ws.max_subscriptions = raw.max_subscriptions;

    ws.console = !raw.no_console;
    if (!raw.console_dir.empty() && !ws::is_console_dir(raw.console_dir)) {
        return BadValue{"--console-dir", "'" + raw.console_dir + "' holds no index.html"};
    }
    ws.console_dir = raw.console_dir;

    static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(levels), std::end(levels), raw.log_level) == std::end(levels)) {
        return BadValue{"--log-level",
                        "'" + raw.log_level + "' is not trace, debug, info, warn, error or off"};
    }
    config.log_level = raw.log_level;
    if (raw.log_format != "text" && raw.log_format != "json") {
        return BadValue{"--log-format", "'" + raw.log_format + "' is not text or json"};
    }
    config.log_format = raw.log_format == "json" ? log::LogFormat::json : log::LogFormat::text;
    if (auto bad = read_admin_token(raw, ws.http_admin_token)) return bad;

    const bool mqtt_tls = std::get<BrokerUrl>(url).tls;
    if (auto problem = apply_security_flags(raw.security, mqtt_tls, config)) {
        return BadValue{problem->flag, problem->reason};
    }
    return std::nullopt;
}

std::string env_name(const std::string& flag) {
    std::string name = "MWB_";
    for (char c : flag.substr(2)) name += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    return name;
}

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
    RawFlags raw;
    CLI::App app{"mqtt-ws-bridge: MQTT topics to WebSocket clients, and back.", "mqtt-ws-bridge"};
    app.set_version_flag("--version", MWB_VERSION);
    app.set_config("--config", "", "Read flags from a TOML/INI file (keys are flag names)");
    app.get_formatter()->column_width(36);

    auto add = [&](const std::string& flag, auto& target, const std::string& help) {
        return app.add_option(flag, target, help)->envname(env_name(flag));
    };
    add("--mqtt-url", raw.mqtt_url, "Broker URL: tcp://, mqtt://, ssl://, mqtts://, ws://, wss://")
        ->capture_default_str();
    add("--mqtt-client-id", raw.mqtt_client_id, "MQTT client id (default: generated per process)");
    add("--mqtt-username", raw.mqtt_username, "MQTT user name");
    add("--mqtt-password", raw.mqtt_password, "MQTT password (prefer --mqtt-password-file)");
    add("--mqtt-password-file", raw.mqtt_password_file, "File whose first line is the password");
    add("--mqtt-version", raw.mqtt_version, "MQTT protocol version: 5 or 3.1.1")
        ->capture_default_str();
    add("--subscribe", raw.subscribe, "MQTT filter to subscribe, FILTER[@QOS]; repeatable")
        ->capture_default_str()
        ->delimiter(',');
    add("--payload", raw.payload, "Payload decoding: auto, string, json, binary")
        ->capture_default_str();
    add("--strip-prefix", raw.strip_prefix, "Removed from MQTT topics to form msg.topic");
    add("--listen", raw.listen, "WebSocket/HTTP listen address HOST:PORT")->capture_default_str();
    add("--ws-path", raw.ws_path, "WebSocket endpoint path")->capture_default_str();
    add("--send", raw.send, "What plain clients receive: payload or msg (the whole msg)")
        ->capture_default_str();
    add("--session-property", raw.session_property, "MQTT v5 user property naming a target session")
        ->capture_default_str();
    add("--threads", raw.threads, "Delivery threads (default: number of cores)")
        ->check(CLI::Range(1u, max_shards));
    add("--max-buffered-bytes", raw.max_buffered_bytes,
        "Bytes a client may leave unsent after a write was tried before it is slow")
        ->capture_default_str();
    add("--max-message-size", raw.max_message_size, "Largest frame a client may send")
        ->capture_default_str();
    add("--max-subscriptions", raw.max_subscriptions, "Topic filters per client")
        ->capture_default_str();
    add("--mqtt-reconnect-min", raw.mqtt_reconnect_min, "First reconnect delay")
        ->capture_default_str();
    add("--mqtt-reconnect-max", raw.mqtt_reconnect_max, "Longest reconnect delay")
        ->capture_default_str();
    add("--shutdown-timeout", raw.shutdown_timeout, "How long clients get to close on shutdown")
        ->capture_default_str();
    add("--instance-id", raw.instance_id,
        "This bridge's name in reply topics and session routing (default: random)");
    add("--reply-prefix", raw.reply_prefix,
        "Reply topics are <prefix>/<instance-id>/<session>; the bridge subscribes to its own")
        ->capture_default_str();
    add("--inbound-topic", raw.inbound_topic,
        "Topic for plain-mode client frames; {session} is replaced by the session id")
        ->capture_default_str();
    add("--allow-publish", raw.allow_publish,
        "MQTT filter clients may publish to; repeatable (none: publishing refused)")
        ->delimiter(',');
    add("--events-topic", raw.events_topic, "Publish connect/disconnect events (JSON) here");
    add("--retained-cache", raw.retained_cache,
        "Topics whose last retained message is replayed to new subscribers (least recently "
        "updated go first)")
        ->capture_default_str();
    add("--retained-bytes", raw.retained_bytes,
        "Bytes the retained messages may take (least recently updated go first)")
        ->capture_default_str();
    add("--retained-settle", raw.retained_settle,
        "After the broker link comes back: quiet time that ends the resync of retained state")
        ->capture_default_str();
    add("--max-connections", raw.max_connections, "Open WebSocket connections (over it: HTTP 503)")
        ->capture_default_str();
    add("--slow-client", raw.slow_client,
        "Over --max-buffered-bytes: close (1008) or drop messages for that client")
        ->capture_default_str();
    add("--ping-interval", raw.ping_interval, "Server WebSocket ping period")
        ->capture_default_str();
    add("--pong-timeout", raw.pong_timeout, "No pong within this: the connection is dropped")
        ->capture_default_str();
    add("--handshake-timeout", raw.handshake_timeout, "Time allowed for the WebSocket handshake")
        ->capture_default_str();
    add("--max-payload", raw.max_payload, "Larger MQTT messages are dropped and counted")
        ->capture_default_str();
    add("--status-topic", raw.status_topic,
        "Retained 'online' when connected, 'offline' on shutdown and as the MQTT will");
    add("--mqtt-session-expiry", raw.mqtt_session_expiry,
        "Keep the broker session this long across disconnects (0: clean session)")
        ->capture_default_str();
    app.add_flag("--no-console", raw.no_console, "Turn the web console at / off")
        ->envname(env_name("--no-console"));
    add("--console-dir", raw.console_dir,
        "Folder with the web console's files (default: " + ws::default_console_dir() + ")");
    add("--log-level", raw.log_level, "trace, debug, info, warn, error or off")
        ->capture_default_str();
    add("--log-format", raw.log_format, "text, or json (one object per line)")
        ->capture_default_str();
    add("--http-admin-token", raw.http_admin_token,
        "Bearer token GET /metrics requires (prefer --http-admin-token-file)");
    add("--http-admin-token-file", raw.http_admin_token_file,
        "File whose first line is the --http-admin-token");
    add_security_flags(app, raw.security, env_name);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            app.exit(e);  // --help / --version
            return CommandLine{std::nullopt, 0};
        }
        std::cerr << "mqtt-ws-bridge: " << e.what() << " (see --help)\n";
        return CommandLine{std::nullopt, 2};
    }
    Config config;
    if (auto bad = check(raw, config)) {
        std::cerr << "mqtt-ws-bridge: " << bad->flag << ": " << bad->reason << "\n";
        return CommandLine{std::nullopt, 2};
    }
    return CommandLine{std::move(config), 0};
}

}  // namespace mqttws::app
