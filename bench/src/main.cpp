// mwb-bench: connects the clients, drives the load, and prints one JSON result line.
// It never asserts: a failed run is a line with "ok":false and the reason.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "bench_options.hpp"
#include "client_fleet.hpp"
#include "echo_backend.hpp"
#include "json_line.hpp"
#include "mono_clock.hpp"
#include "proc_stats.hpp"
#include "rate_publisher.hpp"
#include "recovery_scenario.hpp"
#include "replay_scenario.hpp"
#include "scenario_common.hpp"

namespace mwb::bench {
namespace {

// Raises the soft fd limit to what `clients` need (and the hard limit too when allowed).
void raise_fd_limit(std::size_t clients) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    const rlim_t wanted = static_cast<rlim_t>(clients) + 1024;
    if (limit.rlim_cur >= wanted) return;
    if (limit.rlim_max < wanted) {
        rlimit raised{wanted, wanted};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
    }
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
}

double read_loadavg_1m() {
    double load = 0.0 / 0.0;
    if (FILE* file = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(file, "%lf", &load) != 1) load = 0.0 / 0.0;
        std::fclose(file);
    }
    return load;
}

int run(const BenchOptions& options) {
    // Replay and recovery also open their live clients and one probe per bridge.
    const bool with_live =
        options.scenario == Scenario::Replay || options.scenario == Scenario::Recovery;
    raise_fd_limit(with_live ? options.clients + options.live_clients + options.urls.size()
                             : options.clients);
    JsonLine line;
    line.add("tool", "mwb-bench")
        .add("label", options.label)
        .add("scenario", scenario_name(options.scenario))
        .add("transport", options.native ? "mqtt" : "websocket")
        .add("clients", static_cast<std::uint64_t>(options.clients))
        .add("payload_bytes", static_cast<std::uint64_t>(options.payload_size))
        .add("offered_rate", options.rate, 1);

    const auto finish = [&](bool ok, const std::string& error) {
        // Other work on the machine shows in latency first: keep it beside the numbers.
        line.add("loadavg_1m", read_loadavg_1m(), 2);
        line.add("ok", ok);
        if (!error.empty()) line.add("error", error);
        std::cout << line.str() << std::endl;
        return 0;
    };
    if (options.scenario == Scenario::Replay) {
        const ScenarioOutcome outcome = run_replay(options, line);
        return finish(outcome.ok, outcome.error);
    }
    if (options.scenario == Scenario::Recovery) {
        const ScenarioOutcome outcome = run_recovery(options, line);
        return finish(outcome.ok, outcome.error);
    }

    MeasureWindow window;
    ClientFleet fleet(options, window);
    const ProcSample bridge_before_connect = sample_processes(options.bridge_pids);
    const ConnectResult connected = fleet.connect_all();
    add_connected(line, connected);

    if (connected.opened == 0) return finish(false, "no client connected");

    if (options.scenario == Scenario::Idle) {
        const std::uint64_t until =
            mono_now_ns() + static_cast<std::uint64_t>(options.hold_s * 1e9);
        fleet.run([&](std::uint64_t now) { return now >= until; });
        const ProcSample held = sample_processes(options.bridge_pids);
        const double added_kib =
            static_cast<double>(held.rss_kib) - static_cast<double>(bridge_before_connect.rss_kib);
        line.add("clients_held", static_cast<std::uint64_t>(fleet.open_clients()))
            .add("bridge_rss_before_kib", static_cast<std::uint64_t>(bridge_before_connect.rss_kib))
            .add("bridge_rss_kib", static_cast<std::uint64_t>(held.rss_kib))
            .add("bridge_rss_per_conn_bytes",
                 per(added_kib * 1024.0, static_cast<double>(fleet.open_clients())), 0)
            .add("bridge_cpu_connect_s", held.cpu_s - bridge_before_connect.cpu_s)
            .add("bridge_pids_readable", held.complete && !options.bridge_pids.empty());
        return finish(fleet.closed_by_peer() == 0, "");
    }

    std::unique_ptr<RatePublisher> publisher;
    std::unique_ptr<EchoBackend> echo;
    std::string error;
    if (options.scenario == Scenario::Roundtrip) {
        echo = std::make_unique<EchoBackend>(options);
        if (!echo->start(error)) return finish(false, "echo backend: " + error);
        fleet.enable_sending();
    } else {
        publisher = std::make_unique<RatePublisher>(options,
                                                    options.scenario == Scenario::Targeted
                                                        ? fleet.session_ids()
                                                        : std::vector<std::string>{},
                                                    options.clients, window);
        if (options.scenario == Scenario::Targeted && fleet.session_ids().empty()) {
            return finish(false, "targeted: the bridge sent no X-Session-Id");
        }
        if (!publisher->connect(error)) return finish(false, "publisher: " + error);
        publisher->start();
    }

    // Everything from the window's opening to the end of the drain is measured.
    bool started = false;
    ProcSample bridge_start;
    ProcSample broker_start;
    double generator_cpu_start = 0;
    std::uint64_t frames_start = 0;
    std::uint64_t expected = 0;
    const auto drain_ns = static_cast<std::uint64_t>(options.drain_s * 1e9);
    const bool fanout = options.scenario == Scenario::Fanout;
    fleet.run([&](std::uint64_t now) {
        if (!started && window.first_seq.load() != MeasureWindow::kUnset) {
            started = true;
            bridge_start = sample_processes(options.bridge_pids);
            broker_start = sample_processes(options.broker_pids);
            generator_cpu_start = thread_cpu_s();
            frames_start = fleet.frames_received();
        }
        const std::uint64_t end_seq = window.end_seq.load();
        if (end_seq == MeasureWindow::kUnset) return false;
        const std::uint64_t messages = end_seq - window.first_seq.load();
        expected = fanout ? messages * fleet.open_clients() : messages;
        return fleet.counts().unique() >= expected || now >= window.end_ns.load() + drain_ns;
    });
    const double generator_cpu = thread_cpu_s() - generator_cpu_start;
    const ProcSample bridge_end = sample_processes(options.bridge_pids);
    const ProcSample broker_end = sample_processes(options.broker_pids);
    if (publisher) publisher->join();
    if (echo) echo->stop();

    const double window_s =
        static_cast<double>(window.end_ns.load() - window.start_ns.load()) * 1e-9;
    const std::uint64_t messages = window.end_seq.load() - window.first_seq.load();
    const TallyCounts& counts = fleet.counts();
    const std::uint64_t deliveries = counts.unique();
    const std::uint64_t lost = expected > deliveries ? expected - deliveries : 0;
    const double bridge_cpu = bridge_end.cpu_s - bridge_start.cpu_s;
    const double broker_cpu = broker_end.cpu_s - broker_start.cpu_s;
    const auto frames = static_cast<double>(fleet.frames_received() - frames_start);

    line.add("duration_s", window_s)
        .add("messages", messages)
        .add("achieved_rate", per(static_cast<double>(messages), window_s), 1)
        .add("expected_deliveries", expected)
        .add("deliveries", deliveries)
        .add("deliveries_per_s", per(static_cast<double>(deliveries), window_s), 1)
        .add("lost", lost)
        .add("loss_ratio", per(static_cast<double>(lost), static_cast<double>(expected)), 6)
        .add("duplicates", counts.duplicates)
        .add("reordered", counts.reordered)
        .add("unparsed_frames", fleet.unparsed_frames())
        .add("closed_by_peer", fleet.closed_by_peer());
    add_latency(line, "latency", fleet.histogram());
    line.add("bridge_cpu_s", bridge_cpu)
        .add("bridge_cpu_us_per_delivery", per(bridge_cpu * 1e6, static_cast<double>(deliveries)),
             2)
        .add("bridge_rss_kib", static_cast<std::uint64_t>(bridge_end.rss_kib))
        .add("bridge_rss_per_conn_bytes",
             per(static_cast<double>(bridge_end.rss_kib) * 1024.0,
                 static_cast<double>(connected.opened)),
             0)
        .add("bridge_pids_readable", bridge_end.complete && !options.bridge_pids.empty());
    if (!options.broker_pids.empty()) {
        line.add("broker_cpu_s", broker_cpu)
            .add("broker_cpu_us_per_delivery",
                 per(broker_cpu * 1e6, static_cast<double>(deliveries)), 2);
    }
    line.add("generator_cpu_s", generator_cpu)
        .add("generator_cpu_us_per_msg", per(generator_cpu * 1e6, frames), 2);
    if (publisher) {
        line.add("publisher_cpu_s", publisher->cpu_s())
            .add("publisher_late_s", publisher->late_s());
    }
    if (echo) line.add("echoed", echo->echoed());
    if (window.sender_failed.load()) return finish(false, "the sender's connection failed");
    return finish(true, "");
}

}  // namespace
}  // namespace mwb::bench

int main(int argc, char** argv) {
    auto parsed = mwb::bench::parse_bench_options(argc, argv);
    if (auto* exit = std::get_if<mwb::bench::ParseExit>(&parsed)) {
        (exit->code == 0 ? std::cout : std::cerr) << exit->text;
        return exit->code;
    }
    return mwb::bench::run(std::get<mwb::bench::BenchOptions>(parsed));
}
