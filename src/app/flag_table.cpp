// Every flag of the bridge, declared once; the checks of single values are here too.
#include "app/flag_table.hpp"

#include <chrono>
#include <limits>

#include "mqttws/broker_url.hpp"
#include "mqttws/history_spec.hpp"
#include "mqttws/inbound_publish.hpp"
#include "mqttws/listen_address.hpp"
#include "mqttws/session_id.hpp"
#include "mqttws/subscribe_spec.hpp"
#include "mqttws/topic_filter.hpp"
#include "ws/console_files.hpp"

namespace mqttws::app {

namespace {

using std::chrono::milliseconds;
constexpr milliseconds unbounded = milliseconds::max();
constexpr bool positive = true;
constexpr bool zero_allowed = false;

std::string quoted(const std::string& text) {
    return "'" + text + "'";
}

std::string topic_name(const std::string& topic) {
    if (const TopicError error = validate_topic_name(topic); error != TopicError::ok) {
        return quoted(topic) + ": " + std::string(describe(error));
    }
    return "";
}

std::string optional_topic_name(const std::string& topic) {
    return topic.empty() ? "" : topic_name(topic);
}

std::string filter(const std::string& text) {
    if (const TopicError error = validate_filter(text); error != TopicError::ok) {
        return quoted(text) + ": " + std::string(describe(error));
    }
    return "";
}

std::string broker_url(const std::string& text) {
    const auto url = parse_broker_url(text);
    const auto* reason = std::get_if<std::string>(&url);
    return reason ? *reason : "";
}

std::string subscribe_spec(const std::string& text) {
    const auto spec = parse_subscribe_spec(text);
    const auto* reason = std::get_if<std::string>(&spec);
    return reason ? *reason : "";
}

std::string instance_id(const std::string& text) {
    if (text.empty() || is_valid_instance_id(text)) return "";
    return quoted(text) + ": use 1 to 64 ASCII letters, digits, '-' or '_'";
}

std::string listen(const std::string& text) {
    if (parse_listen_address(text)) return "";
    return quoted(text) + " is not HOST:PORT (e.g. 0.0.0.0:8080)";
}

std::string ws_path(const std::string& text) {
    if (text.size() < 2 || text.front() != '/' || text.back() == '/' ||
        text.find_first_of("?#%") != std::string::npos) {
        return quoted(text) + " must look like /ws";
    }
    return "";
}

std::string reply_prefix(const std::string& text) {
    if (text.empty() || text.back() == '/') return "must be a topic without a trailing '/'";
    return topic_name(text);
}

std::string inbound_topic(const std::string& text) {
    return topic_name(expand_topic_template(text, "session"));
}

std::string history_spec(const std::string& text) {
    const auto spec = parse_history_spec(text);
    const auto* reason = std::get_if<std::string>(&spec);
    return reason ? *reason : "";
}

std::string not_empty(const std::string& text) {
    return text.empty() ? "must not be empty" : "";
}

std::string console_dir(const std::string& text) {
    if (text.empty() || ws::is_console_dir(text)) return "";
    return quoted(text) + " holds no index.html";
}

std::string origin(const std::string& text) {
    if (text.empty() || text.find("://") == std::string::npos || text.back() == '/') {
        return quoted(text) + " must look like https://host[:port]";
    }
    return "";
}

void declare_mqtt(FlagBuilder& add, Config& c, FlagInputs& in) {
    auto& mqtt = c.mqtt;
    add.text("--mqtt-url", mqtt.url, "tcp://127.0.0.1:1883",
             "Broker URL: tcp://, mqtt://, ssl://, mqtts://, ws://, wss://", broker_url);
    add.text("--mqtt-client-id", mqtt.client_id, "",
             "MQTT client id (default: mqtt-ws-bridge-<instance-id>)");
    add.text("--mqtt-username", in.mqtt_username, "", "MQTT user name");
    add.text("--mqtt-password", in.mqtt_password, "",
             "MQTT password (prefer --mqtt-password-file)");
    add.secret();
    add.text("--mqtt-password-file", in.mqtt_password_file, "",
             "File whose first line is the password");
    add.choice<int>("--mqtt-version", mqtt.version, "5", {{"5", 5}, {"3.1.1", 4}},
                    "MQTT protocol version: 5 or 3.1.1");
    add.list("--subscribe", in.subscribe, {"#"},
             "MQTT filter to subscribe, FILTER[@QOS]; repeatable", subscribe_spec);
    add.choice<PayloadMode>("--payload", mqtt.decode.payload_mode, "auto",
                            {{"auto", PayloadMode::auto_detect},
                             {"string", PayloadMode::string},
                             {"json", PayloadMode::json},
                             {"binary", PayloadMode::binary}},
                            "Payload decoding: auto, string, json, binary");
    add.text("--strip-prefix", mqtt.decode.strip_prefix, "",
             "Removed from MQTT topics to form msg.topic; added back on publish");
}

void declare_websocket(FlagBuilder& add, Config& c, FlagInputs& in) {
    auto& ws = c.ws;
    add.text("--listen", in.listen, "0.0.0.0:8080", "WebSocket/HTTP listen address HOST:PORT",
             listen);
    add.text("--ws-path", ws.ws_path, "/ws", "WebSocket endpoint path", ws_path);
    add.choice<bool>("--send", ws.send_msg, "payload", {{"payload", false}, {"msg", true}},
                     "What plain clients receive: payload or msg (the whole msg)");
    add.text("--session-property", c.mqtt.decode.session_property, "session",
             "MQTT v5 user property naming a target session", not_empty);
    add.text("--instance-id", c.instance_id, "",
             "This bridge's name in reply topics and session routing (default: random)",
             instance_id);
    add.text("--reply-prefix", in.reply_prefix, "mqtt-ws-bridge/reply",
             "Reply topics are <prefix>/<instance-id>/<session>; the bridge subscribes to its own",
             reply_prefix);
    add.text("--inbound-topic", ws.inbound.topic_template, "mqtt-ws-bridge/in/{session}",
             "Topic for plain-mode client frames; {session} is replaced by the session id",
             inbound_topic);
    add.list("--allow-publish", ws.inbound.allow_publish, {},
             "MQTT filter clients may publish to; repeatable (none: publishing refused)", filter);
    add.text("--events-topic", c.mqtt.events_topic, "",
             "Publish connect/disconnect events (JSON) here", optional_topic_name);
}

void declare_limits(FlagBuilder& add, Config& c) {
    auto& ws = c.ws;
    add.count<std::size_t>(
        "--retained-cache", ws.retained_cache, 10000, 0, std::numeric_limits<std::size_t>::max(),
        "Topics whose last retained message is replayed to new subscribers (least recently "
        "updated go first)");
    add.size("--retained-bytes", ws.retained_bytes, "64MiB",
             "Bytes the retained messages may take (least recently updated go first)");
    add.duration("--retained-settle", ws.retained_settle, "1s",
                 "After the broker link comes back: quiet time that ends the resync of retained "
                 "state",
                 positive, unbounded);
    add.count<unsigned>("--threads", ws.threads, ws::default_threads(), 1, max_shards,
                        "Delivery threads (default: number of cores)", true);
    add.size("--max-buffered-bytes", ws.max_buffered_bytes, "1MiB",
             "Bytes a client may leave unsent after a write was tried before it is slow");
    add.size("--max-message-size", ws.max_message_size, "64KiB", "Largest frame a client may send");
    add.count<std::size_t>("--max-subscriptions", ws.max_subscriptions, 100, 1,
                           std::numeric_limits<std::size_t>::max(), "Topic filters per client");
    add.choice<bool>("--slow-client", ws.slow_client_drop, "close",
                     {{"close", false}, {"drop", true}},
                     "Over --max-buffered-bytes: close (1008) or drop messages for that client");
    add.count<std::size_t>("--max-connections", ws.max_connections, 100000, 1,
                           std::numeric_limits<std::size_t>::max(),
                           "Open WebSocket connections (over it: HTTP 503)");
    add.size("--max-payload", c.mqtt.max_payload, "1MiB",
             "Larger MQTT messages are dropped and counted");
    add.duration("--ping-interval", ws.ping_interval, "30s", "Server WebSocket ping period",
                 positive, unbounded);
    add.duration("--pong-timeout", ws.pong_timeout, "10s",
                 "No pong within this: the connection is dropped", positive, unbounded);
    add.duration("--handshake-timeout", ws.handshake_timeout, "5s",
                 "Time allowed for the WebSocket handshake", positive, unbounded);
}

void declare_history(FlagBuilder& add, Config& c, FlagInputs& in) {
    add.list("--history", in.history, {},
             "Messages kept per topic for clients that come back: N, or FILTER=N (the first "
             "matching filter decides); repeatable (none: nothing kept)",
             history_spec);
    add.duration("--history-ttl", c.ws.history.ttl, "5m",
                 "Kept messages older than this go (0: no time limit)", zero_allowed, unbounded);
    add.size("--history-memory", c.ws.history.max_bytes, "64MiB",
             "Bytes the kept messages may take, all topics together (oldest go first)");
}

void declare_broker_session(FlagBuilder& add, Config& c) {
    auto& mqtt = c.mqtt;
    add.text("--status-topic", mqtt.status_topic, "",
             "Retained 'online' when connected, 'offline' on shutdown and as the MQTT will",
             optional_topic_name);
    add.duration("--mqtt-session-expiry", mqtt.session_expiry, "0s",
                 "Keep the broker session this long across disconnects (0: clean session)",
                 zero_allowed, std::chrono::hours(24 * 365 * 100));
    add.duration("--mqtt-reconnect-min", mqtt.reconnect_min, "500ms", "First reconnect delay",
                 zero_allowed, unbounded);
    add.duration("--mqtt-reconnect-max", mqtt.reconnect_max, "30s", "Longest reconnect delay",
                 zero_allowed, unbounded);
    add.duration("--shutdown-timeout", c.ws.shutdown_timeout, "5s",
                 "How long clients get to close on shutdown", zero_allowed, unbounded);
}

void declare_operation(FlagBuilder& add, Config& c, FlagInputs& in) {
    add.toggle("--no-console", in.no_console, "Turn the web console at / off");
    add.text("--console-dir", c.ws.console_dir, "",
             "Folder with the web console's files (default: " + ws::installed_console_dir() +
                 "; run from its build folder: the source tree's web/)",
             console_dir);
    add.choice<std::string>("--log-level", c.log_level, "info",
                            {{"trace", "trace"},
                             {"debug", "debug"},
                             {"info", "info"},
                             {"warn", "warn"},
                             {"error", "error"},
                             {"off", "off"}},
                            "trace, debug, info, warn, error or off");
    add.choice<log::LogFormat>("--log-format", c.log_format, "text",
                               {{"text", log::LogFormat::text}, {"json", log::LogFormat::json}},
                               "text, or json (one object per line)");
    add.text("--http-admin-token", in.http_admin_token, "",
             "Bearer token GET /metrics requires (prefer --http-admin-token-file)");
    add.secret();
    add.text("--http-admin-token-file", in.http_admin_token_file, "",
             "File whose first line is the --http-admin-token");
}

void declare_security(FlagBuilder& add, SecurityFlags& s) {
    add.choice<std::string>("--auth", s.auth, "none",
                            {{"none", "none"}, {"token", "token"}, {"jwt", "jwt"}},
                            "Client authentication: none, token or jwt");
    add.text("--token-file", s.token_file, "",
             "--auth token: JSON file of SHA-256 token hashes and their permissions");
    add.text("--jwt-secret-file", s.jwt_secret_file, "", "--auth jwt: HS256 secret (file)");
    add.text("--jwt-public-key", s.jwt_public_key, "",
             "--auth jwt: PEM public key, RSA (RS256) or P-256 (ES256)");
    add.text("--jwt-audience", s.jwt_audience, "", "--auth jwt: required 'aud'");
    add.text("--jwt-issuer", s.jwt_issuer, "", "--auth jwt: required 'iss'");
    add.duration("--jwt-leeway", s.jwt_leeway, "30s", "--auth jwt: clock skew allowed on exp/nbf",
                 zero_allowed, std::chrono::hours(1));
    add.list("--allowed-origin", s.allowed_origins, {},
             "Browser Origin allowed to connect; repeatable (none: any)", origin);
    add.text("--tls-cert", s.tls_cert, "", "Serve wss://: PEM certificate chain (SIGHUP reloads)");
    add.text("--tls-key", s.tls_key, "", "PEM private key for --tls-cert");
    add.text("--tls-ca", s.tls_ca, "", "PEM CA bundle: require client certificates it signed");
    add.text("--mqtt-ca", s.mqtt_ca, "", "PEM CA bundle to verify the broker (default: system's)");
    add.text("--mqtt-cert", s.mqtt_cert, "", "PEM client certificate for the broker");
    add.text("--mqtt-key", s.mqtt_key, "", "PEM private key for --mqtt-cert");
    add.toggle("--mqtt-insecure", s.mqtt_insecure,
               "Do not verify the broker's certificate (testing only)");
}

}  // namespace

std::vector<FlagEntry> declare_flags(CLI::App& app, Config& config, FlagInputs& inputs) {
    FlagBuilder add(app);
    declare_mqtt(add, config, inputs);
    declare_websocket(add, config, inputs);
    declare_limits(add, config);
    declare_history(add, config, inputs);
    declare_broker_session(add, config);
    declare_operation(add, config, inputs);
    declare_security(add, inputs.security);
    add.text("--config", inputs.config_file, "",
             "Read settings from a TOML file (keys are flag names; flags and MWB_* win)");
    add.command_line_only();
    add.toggle("--check-config", inputs.check_config,
               "Check every setting, print the effective ones (secrets left out) and exit");
    add.command_line_only();
    return add.take_entries();
}

}  // namespace mqttws::app
