#include "recovery_scenario.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "client_fleet.hpp"
#include "live_load.hpp"
#include "measure_window.hpp"
#include "metrics_sample.hpp"
#include "mono_clock.hpp"
#include "protocol_frames.hpp"
#include "recovery_ledger.hpp"
#include "recovery_publisher.hpp"
#include "replay_progress.hpp"
#include "scenario_common.hpp"
#include "tcp_socket.hpp"

namespace mwb::bench {
namespace {

// Where each bridge's probe listens in plain mode: the --url's path, then the filter
// (the bridge reads /ws/<filter> as a subscription).
std::vector<Endpoint> probe_urls(const BenchOptions& options) {
    std::vector<Endpoint> urls = options.urls;
    for (Endpoint& url : urls) {
        while (!url.path.empty() && url.path.back() == '/') url.path.pop_back();
        url.path += "/" + options.topic_prefix + "/rec/%23";
    }
    return urls;
}

// The bridge's GET /metrics answer, whole (head and body), or "" with `error` set.
std::string fetch_metrics(const Endpoint& bridge, std::string& error) {
    const int fd = connect_tcp(bridge, error);
    if (fd < 0) return "";
    // A blocking GET on loopback; the timeout only guards against a bridge that hangs.
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string response;
    if (write_all(fd, "GET /metrics HTTP/1.1\r\nHost: " + bridge.host + ":" +
                          std::to_string(bridge.port) + "\r\nConnection: close\r\n\r\n")) {
        char chunk[16384];
        ssize_t n = 0;
        while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0) {
            response.append(chunk, static_cast<std::size_t>(n));
        }
    }
    close(fd);
    if (response.compare(0, 12, "HTTP/1.1 200") != 0) {
        error = "GET /metrics: " + response.substr(0, response.find('\r'));
        return "";
    }
    return response;
}

// Phase 1b: every client subscribes with "recover":true and keeps its positions, then
// all go away (the fleet closes them when it goes).
std::string take_positions(const BenchOptions& options, const RecoveryTopics& topics,
                           PositionBook& book, JsonLine& line) {
    MeasureWindow unused;
    const BenchOptions fleet_options = all_at_once(options, options.clients);
    ClientFleet fleet(fleet_options, unused);
    fleet.speak_protocol(std::string(kProtocolName), [&](std::size_t client) {
        return subscribe_request(topics.filter(client), nullptr);
    });
    fleet.count_frames([&](std::size_t client, std::string_view frame, std::uint64_t) {
        book.record(client, frame);
    });
    const FleetRun run = connect_and_read(fleet, mono_now_ns(), options.replay_timeout_s,
                                          [&] { return book.all_answered(); });
    line.add("positions_s", seconds_between(run.start_ns, run.end_ns))
        .add("positions_clients", static_cast<std::uint64_t>(book.clients_done()));
    if (run.connected.opened < options.clients) {
        return std::to_string(run.connected.failed) + " clients did not connect (" +
               run.connected.first_error + ")";
    }
    if (book.clients_done() < options.clients) {
        return std::to_string(options.clients - book.clients_done()) +
               " clients got no usable positions" +
               (book.first_problem().empty() ? "" : ", " + book.first_problem());
    }
    return "";
}

// Phase 2's memory fields: the bridge's RSS growth and its own accounting per message.
void add_history_memory(const BenchOptions& options, JsonLine& line, const ProcSample& before,
                        const ProcSample& after, std::uint64_t stored) {
    const double growth =
        (static_cast<double>(after.rss_kib) - static_cast<double>(before.rss_kib)) * 1024.0;
    line.add("history_messages_stored", stored)
        .add("history_rss_before_kib", static_cast<std::uint64_t>(before.rss_kib))
        .add("history_rss_growth_bytes", growth, 0)
        .add("history_bytes_per_message", per(growth, static_cast<double>(stored)), 1);
    std::string error;
    const std::string metrics = fetch_metrics(options.urls.front(), error);
    const auto messages = metrics_sample(metrics, "mwb_history_messages");
    const auto bytes = metrics_sample(metrics, "mwb_history_bytes");
    line.add("mwb_history_messages", or_unknown(messages), 0)
        .add("mwb_history_bytes", or_unknown(bytes), 0)
        .add("history_accounted_bytes_per_message",
             messages && bytes ? per(*bytes, *messages) : kUnknown, 1);
    if (!error.empty()) line.add("history_metrics_error", error);
}

// Phase 3, once every client has its positions and the bridge keeps what they missed.
ScenarioOutcome recover_all(const BenchOptions& options, const RecoveryTopics& topics,
                            const PositionBook& book, JsonLine& line) {
    std::string error;
    LiveLoad live(options);
    if (!warm_up_live(live, options, line, error)) return {false, error};

    MeasureWindow unused;  // recovering clients count their streams, not a window
    const BenchOptions fleet_options = all_at_once(options, options.clients);
    ClientFleet fleet(fleet_options, unused);
    RecoveryCheck check(topics, book, options.recovery_messages / topics.per_client());
    fleet.speak_protocol(std::string(kProtocolName), [&](std::size_t client) {
        return subscribe_request(topics.filter(client), &book.positions(client));
    });
    fleet.count_frames([&](std::size_t client, std::string_view frame, std::uint64_t now_ns) {
        check.record(client, frame, now_ns);
    });
    UsageWindow usage(options);
    const ReconnectRun measured = measure_reconnect(
        options, fleet, live, usage, [&](std::uint64_t start) { check.start(start); },
        [&] { return check.all_settled(); });
    const FleetRun& run = measured.fleet;
    const LiveResult& live_result = measured.live;

    add_connected(line, run.connected);
    const double window_s = seconds_between(run.start_ns, run.end_ns);
    const auto frames = static_cast<double>(check.frames());
    add_completion(line, "recovery", window_s, check.completion_s());
    line.add("recovered_true", check.recovered_true())
        .add("recovered_false", check.recovered_false());
    if (!check.first_reason().empty()) line.add("recovered_false_reason", check.first_reason());
    line.add("recovery_frames", check.frames())
        .add("recovery_frames_expected", options.clients * check.expected_per_client())
        .add("recovery_frames_per_s", per(frames, window_s), 0)
        .add("recovery_missing", check.missing())
        .add("recovery_duplicates", check.duplicates())
        .add("recovery_out_of_order", check.out_of_order())
        .add("recovery_foreign_frames", check.foreign())
        .add("recovery_unparsed_frames", check.unparsed())
        .add("closed_by_peer", fleet.closed_by_peer());
    add_live(line, live_result, live.histogram());
    usage.add_to(line, frames, live_result);

    if (live_result.sender_failed) return {false, "the live publisher's connection failed"};
    if (run.connected.opened < options.clients) {
        return {false,
                std::to_string(run.connected.failed) + " recovering clients did not connect"};
    }
    if (check.recovered_false() > 0) {
        return {false, std::to_string(check.recovered_false()) +
                           " clients were told recovered:false (first: " + check.first_reason() +
                           ")"};
    }
    if (check.clients_done() < check.clients()) {
        return {false, std::to_string(check.clients() - check.clients_done()) +
                           " clients did not recover all " +
                           std::to_string(options.recovery_messages) + " messages within " +
                           std::to_string(options.replay_timeout_s) + " s"};
    }
    if (check.duplicates() > 0 || check.out_of_order() > 0) {
        return {false, "a recovery repeated or reordered messages"};
    }
    return {true, ""};
}

}  // namespace

ScenarioOutcome run_recovery(const BenchOptions& options, JsonLine& line) {
    line.add("recovery_topics", static_cast<std::uint64_t>(options.recovery_topics))
        .add("recovery_messages", options.recovery_messages)
        .add("live_clients", static_cast<std::uint64_t>(options.live_clients));
    const RecoveryTopics topics(options.topic_prefix, options.recovery_topics);
    const std::vector<Endpoint> probes = probe_urls(options);
    RecoveryPublisher publisher(options, topics);
    std::string error;
    if (!publisher.connect(error)) return {false, "publisher: " + error};

    double seconds = 0;
    publisher.begin(1);
    error = paced_probe(options, probes, publisher.phase_messages(), publisher.phase_from_ns(),
                        &publisher, seconds);
    line.add("before_s", seconds);
    if (!error.empty()) return {false, "publishing the first messages: " + error};
    PositionBook book(topics, options.clients);
    error = take_positions(options, topics, book, line);
    if (!error.empty()) return {false, "positions: " + error};

    const ProcSample before = sample_processes(options.bridge_pids);
    publisher.begin(options.recovery_messages / topics.per_client());
    error = paced_probe(options, probes, publisher.phase_messages(), publisher.phase_from_ns(),
                        &publisher, seconds);
    line.add("away_s", seconds);
    if (!error.empty()) return {false, "publishing while the clients are away: " + error};
    add_history_memory(options, line, before, sample_processes(options.bridge_pids),
                       publisher.phase_messages() * options.urls.size());
    return recover_all(options, topics, book, line);
}

}  // namespace mwb::bench
