#include "bench_options.hpp"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>

#include <map>

namespace mwb::bench {

const char* scenario_name(Scenario scenario) {
    switch (scenario) {
        case Scenario::Fanout:
            return "fanout";
        case Scenario::Selective:
            return "selective";
        case Scenario::Targeted:
            return "targeted";
        case Scenario::Roundtrip:
            return "roundtrip";
        case Scenario::Idle:
            return "idle";
        case Scenario::Replay:
            return "replay";
        case Scenario::Recovery:
            return "recovery";
    }
    return "?";
}

std::optional<Endpoint> parse_endpoint(const std::string& url, bool websocket) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    const std::string scheme = url.substr(0, scheme_end);
    const bool scheme_ok = websocket ? scheme == "ws" : (scheme == "tcp" || scheme == "mqtt");
    if (!scheme_ok) return std::nullopt;
    const std::string rest = url.substr(scheme_end + 3);
    const auto path_start = rest.find('/');
    const std::string authority = rest.substr(0, path_start);
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    Endpoint endpoint;
    endpoint.host = authority.substr(0, colon);
    if (endpoint.host == "localhost") endpoint.host = "127.0.0.1";
    in_addr address{};
    if (inet_pton(AF_INET, endpoint.host.c_str(), &address) != 1) return std::nullopt;
    if ((ntohl(address.s_addr) >> 24) != 127) return std::nullopt;  // loopback only
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const unsigned long value = std::stoul(port);
    if (value == 0 || value > 65535) return std::nullopt;
    endpoint.port = static_cast<std::uint16_t>(value);
    endpoint.path = path_start == std::string::npos ? "/" : rest.substr(path_start);
    return endpoint;
}

std::string client_path(const std::string& path_template, std::size_t index) {
    std::string path;
    const std::string number = std::to_string(index);
    std::size_t pos = 0;
    while (true) {
        const auto hole = path_template.find("{i}", pos);
        path.append(path_template, pos, hole == std::string::npos ? std::string::npos : hole - pos);
        if (hole == std::string::npos) return path;
        path += number;
        pos = hole + 3;
    }
}

namespace {

// The URL a scenario uses when --url is not given, on the bridge's default port.
std::string default_url(Scenario scenario, const std::string& prefix) {
    switch (scenario) {
        case Scenario::Fanout:
            return "ws://127.0.0.1:8080/ws/" + prefix + "/%23";
        case Scenario::Selective:
            return "ws://127.0.0.1:8080/ws/" + prefix + "/dev/{i}/%23";
        case Scenario::Replay:
            return "ws://127.0.0.1:8080/ws/" + prefix + "/retained/%23";
        default:
            return "ws://127.0.0.1:8080/ws";
    }
}

// Parses ws:// URLs into `out`; the error line names `flag` and the URL.
std::optional<ParseExit> parse_ws_urls(const std::vector<std::string>& urls, const char* flag,
                                       std::vector<Endpoint>& out) {
    for (const auto& url : urls) {
        auto endpoint = parse_endpoint(url, true);
        if (!endpoint) {
            return ParseExit{2, std::string("mwb-bench: ") + flag +
                                    ": not a ws:// URL on a loopback address with a port: " + url +
                                    "\n"};
        }
        out.push_back(*endpoint);
    }
    return std::nullopt;
}

}  // namespace

std::variant<BenchOptions, ParseExit> parse_bench_options(int argc, const char* const* argv) {
    BenchOptions options;
    CLI::App app{
        "mwb-bench: WebSocket (or native MQTT) load generator for mqtt-ws-bridge and its peers. "
        "Prints one JSON line per run; never asserts."};
    app.set_version_flag("--version", "mwb-bench 1");
    const std::map<std::string, Scenario> scenarios{
        {"fanout", Scenario::Fanout},     {"selective", Scenario::Selective},
        {"targeted", Scenario::Targeted}, {"roundtrip", Scenario::Roundtrip},
        {"idle", Scenario::Idle},         {"replay", Scenario::Replay},
        {"recovery", Scenario::Recovery}};
    app.add_option("--scenario", options.scenario,
                   "fanout|selective|targeted|roundtrip|idle|replay|recovery")
        ->transform(CLI::CheckedTransformer(scenarios, CLI::ignore_case));
    std::vector<std::string> urls;
    app.add_option("--url", urls,
                   "WebSocket URL, repeatable (clients round-robin); {i} in the path is the "
                   "client's index. Default per scenario on 127.0.0.1:8080");
    std::string mqtt_url = "tcp://127.0.0.1:1883";
    app.add_option("--mqtt", mqtt_url, "broker for the publisher and native subscribers")
        ->capture_default_str();
    app.add_flag("--native", options.native,
                 "subscribers are native MQTT clients of --mqtt (fanout, selective)");
    app.add_option("--native-mqtt-version", options.native_mqtt_version, "3 (3.1.1) or 5")
        ->check(CLI::IsMember({3, 5}))
        ->capture_default_str();
    app.add_option("--clients", options.clients,
                   "connections (replay: the clients replaying; recovery: the clients "
                   "recovering; default 1000 for both)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
        ->capture_default_str();
    app.add_option("--rate", options.rate, "messages per second (published; sent in roundtrip)")
        ->check(CLI::Range(0.0, 10000000.0))
        ->capture_default_str();
    app.add_option("--payload-size", options.payload_size, "payload bytes (at least 33)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    app.add_option("--duration", options.duration_s, "seconds measured")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--warmup", options.warmup_s, "seconds published before measuring")
        ->check(CLI::Range(0.0, 600.0))
        ->capture_default_str();
    app.add_option("--drain", options.drain_s, "longest wait for late deliveries, seconds")
        ->check(CLI::Range(0.0, 600.0))
        ->capture_default_str();
    app.add_option("--hold", options.hold_s, "idle: seconds connections are held before measuring")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    app.add_option("--connect-timeout", options.connect_timeout_s, "seconds")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--connect-concurrency", options.connect_concurrency, "handshakes in flight")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
        ->capture_default_str();
    app.add_option("--source-addresses", options.source_addresses,
                   "clients bind 127.0.0.1 .. 127.0.0.N (more ports)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{254}))
        ->capture_default_str();
    app.add_option("--topic-prefix", options.topic_prefix, "first topic level published")
        ->capture_default_str();
    app.add_option("--session-property", options.session_property,
                   "targeted: MQTT v5 user property naming the session")
        ->capture_default_str();
    app.add_option("--echo-filter", options.echo_filter,
                   "roundtrip: the echo backend's subscription (the bridge's --inbound-topic)")
        ->capture_default_str();
    app.add_option("--bridge-pid", options.bridge_pids,
                   "process whose CPU and RSS are measured (repeatable: summed)");
    app.add_option("--broker-pid", options.broker_pids, "broker process, reported apart");
    app.add_option("--label", options.label, "copied into the result line");
    app.add_option("--seed", options.seed, "random seed (targets, devices)")->capture_default_str();
    app.add_option("--retained-topics", options.retained_topics,
                   "replay: retained topics preloaded and replayed to every client")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10000000}))
        ->capture_default_str();
    app.add_option("--live-clients", options.live_clients,
                   "replay, recovery: clients measuring live latency during the replay")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
        ->capture_default_str();
    std::vector<std::string> live_urls;
    app.add_option("--live-url", live_urls,
                   "replay, recovery: WebSocket URL of the live clients, repeatable. Default "
                   "ws://127.0.0.1:8080/ws/<prefix>/live/%23");
    app.add_option("--replay-timeout", options.replay_timeout_s,
                   "replay, recovery: longest wait, seconds, for each probe, for the positions "
                   "and for every client's replay")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--recovery-topics", options.recovery_topics,
                   "recovery: topics of each client's own, <prefix>/rec/<i>/<j>")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10000}))
        ->capture_default_str();
    app.add_option("--recovery-messages", options.recovery_messages,
                   "recovery: messages each client misses while away and recovers, spread "
                   "evenly over its topics (a multiple of --recovery-topics)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}))
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return ParseExit{0, app.help()};
    } catch (const CLI::CallForVersion&) {
        return ParseExit{0, "mwb-bench 1\n"};
    } catch (const CLI::ParseError& error) {
        return ParseExit{2, std::string("mwb-bench: ") + error.what() + "\n"};
    }

    // Replay's and recovery's own default: a thousand clients reconnecting at once
    // (--clients' help says so).
    const bool reconnecting =
        options.scenario == Scenario::Replay || options.scenario == Scenario::Recovery;
    if (reconnecting && app.count("--clients") == 0) options.clients = 1000;
    if (options.scenario == Scenario::Recovery &&
        options.recovery_messages % options.recovery_topics != 0) {
        return ParseExit{2,
                         "mwb-bench: --recovery-messages must be a multiple of "
                         "--recovery-topics\n"};
    }
    if (urls.empty()) urls.push_back(default_url(options.scenario, options.topic_prefix));
    if (auto error = parse_ws_urls(urls, "--url", options.urls)) return *error;
    if (live_urls.empty()) {
        live_urls.push_back("ws://127.0.0.1:8080/ws/" + options.topic_prefix + "/live/%23");
    }
    if (auto error = parse_ws_urls(live_urls, "--live-url", options.live_urls)) return *error;
    auto mqtt = parse_endpoint(mqtt_url, false);
    if (!mqtt) {
        return ParseExit{2,
                         "mwb-bench: --mqtt: not a tcp:// URL on a loopback address with "
                         "a port: " +
                             mqtt_url + "\n"};
    }
    options.mqtt = *mqtt;
    if (options.native && options.scenario != Scenario::Fanout &&
        options.scenario != Scenario::Selective && options.scenario != Scenario::Idle) {
        return ParseExit{2, "mwb-bench: --native: only fanout, selective and idle\n"};
    }
    if (options.payload_size < 33) options.payload_size = 33;
    return options;
}

}  // namespace mwb::bench
