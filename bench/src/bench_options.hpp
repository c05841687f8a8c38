// mwb-bench's command line: what to run, against which URLs, at which load. Parsing is
// pure (no sockets) so it is unit-tested; main() only reports the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mwb::bench {

enum class Scenario { Fanout, Selective, Targeted, Roundtrip, Idle, Replay, Recovery };

const char* scenario_name(Scenario scenario);

// A loopback endpoint: ws://127.0.0.x:PORT/PATH (PATH may hold "{i}", the client's index)
// or tcp://127.0.0.x:PORT / mqtt://… for the broker.
struct Endpoint {
    std::string host;  // dotted IPv4, always in 127.0.0.0/8
    std::uint16_t port = 0;
    std::string path;  // "/" when absent; unused for MQTT
};

// nullopt unless the URL has the given scheme(s), a loopback IPv4 host ("localhost" is
// read as 127.0.0.1) and a port.
std::optional<Endpoint> parse_endpoint(const std::string& url, bool websocket);
// The client's path with every "{i}" replaced by its index.
std::string client_path(const std::string& path_template, std::size_t index);

struct BenchOptions {
    Scenario scenario = Scenario::Fanout;
    std::vector<Endpoint> urls;  // clients spread round-robin (replay: the replaying clients)
    Endpoint mqtt;               // the broker the publisher (and native subscribers) use
    bool native = false;         // subscribers are MQTT clients of the broker, not WebSocket
    int native_mqtt_version = 5;
    std::size_t clients = 100;
    double rate = 100;  // messages per second published (or sent, in roundtrip)
    std::size_t payload_size = 100;
    double duration_s = 10;
    double warmup_s = 1;
    double drain_s = 3;  // longest wait for stragglers after the last publish
    double hold_s = 2;   // idle: how long connections are held before measuring
    double connect_timeout_s = 120;
    std::size_t connect_concurrency = 256;
    std::size_t source_addresses = 8;  // 127.0.0.1 .. 127.0.0.N
    std::string topic_prefix = "bench";
    std::string session_property = "session";
    std::string echo_filter = "mqtt-ws-bridge/in/#";
    std::vector<int> bridge_pids;
    std::vector<int> broker_pids;
    std::string label;
    std::uint64_t seed = 1;
    // replay: R retained topics replayed to --clients reconnecting at once, while
    // live_clients on live_urls measure the latency of a live stream at --rate.
    std::uint64_t retained_topics = 100000;
    std::size_t live_clients = 100;
    std::vector<Endpoint> live_urls;
    double replay_timeout_s = 120;  // longest wait for a probe or for the whole replay
    // recovery: --clients protocol clients, each with recovery_topics topics of its own,
    // come back after recovery_messages were published to them (spread evenly).
    std::size_t recovery_topics = 4;
    std::uint64_t recovery_messages = 100;
};

// Parses argv; on --help the variant holds the help text and exit code 0, on a bad value
// the one-line error and exit code 2.
struct ParseExit {
    int code;
    std::string text;
};
std::variant<BenchOptions, ParseExit> parse_bench_options(int argc, const char* const* argv);

}  // namespace mwb::bench
