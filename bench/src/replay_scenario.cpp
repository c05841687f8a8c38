#include "replay_scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

#include "client_fleet.hpp"
#include "live_load.hpp"
#include "measure_window.hpp"
#include "mono_clock.hpp"
#include "proc_stats.hpp"
#include "replay_progress.hpp"
#include "retained_preload.hpp"
#include "rss_peak_sampler.hpp"

namespace mwb::bench {
namespace {

// Often enough to catch a peak that lasts a fraction of a second; each sample costs the
// sampler two /proc reads.
constexpr auto kRssInterval = std::chrono::milliseconds(20);
// The preload's flow control (see probe()): messages per write, and how many may be
// published ahead of the slowest bridge.
constexpr std::uint64_t kPreloadChunk = 100;
constexpr std::uint64_t kPreloadAhead = 500;
// How long the live stream may take to reach a client after the warm-up.
constexpr double kLiveStartGraceS = 10;

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();  // written as null

std::uint64_t ns_from_now(double seconds) {
    return mono_now_ns() + static_cast<std::uint64_t>(seconds * 1e9);
}

double seconds_between(std::uint64_t from_ns, std::uint64_t to_ns) {
    return to_ns > from_ns ? static_cast<double>(to_ns - from_ns) * 1e-9 : 0.0;
}

double per(double numerator, double denominator) {
    return denominator > 0 ? numerator / denominator : kUnknown;
}

double or_unknown(const std::optional<double>& value) {
    return value ? *value : kUnknown;
}

// Checks `condition` every 2 ms until it holds (true) or `deadline_ns` passes (false).
bool poll_until(std::uint64_t deadline_ns, const std::function<bool()>& condition) {
    while (!condition()) {
        if (mono_now_ns() >= deadline_ns) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

// A fleet of `clients` replaying clients on --url, all connecting at once.
BenchOptions replaying(const BenchOptions& options, std::size_t clients) {
    BenchOptions fleet = options;
    fleet.clients = clients;
    fleet.connect_concurrency = clients;
    return fleet;
}

struct ReplayRun {
    ConnectResult connected;
    std::uint64_t start_ns = 0;
    std::uint64_t end_ns = 0;
};

// Connects every client of `fleet` and reads until each has all retained messages, all
// are closed, or --replay-timeout has passed since the first connect.
ReplayRun replay_to(ClientFleet& fleet, ReplayProgress& progress, const BenchOptions& options) {
    ReplayRun run;
    run.start_ns = mono_now_ns();
    progress.start(run.start_ns);
    const std::uint64_t deadline = ns_from_now(options.replay_timeout_s);
    // Frames are counted from the first handshake on, while the others still connect.
    run.connected = fleet.connect_all();
    fleet.run([&](std::uint64_t now) {
        return progress.all_done() || fleet.open_clients() == 0 || now >= deadline;
    });
    run.end_ns = mono_now_ns();
    return run;
}

// The slowest probe's count: how far every bridge has got.
std::uint64_t slowest(const ReplayProgress& progress) {
    std::uint64_t least = progress.topics();
    for (std::size_t i = 0; i < progress.clients(); ++i) {
        least = std::min(least, progress.received_by(i));
    }
    return least;
}

// One probe client per --url (every bridge) must receive all R retained messages; returns
// the reason when one did not, else an empty string.
//
// With `preload`, the probes connect before the first retained message and receive each
// one live as their bridge takes it in, and publishing stays at most kPreloadAhead
// messages ahead of the slowest probe: Mosquitto silently drops QoS 0 messages for a
// subscriber with more than max_queued_messages (default 1000) waiting, so a preload
// written faster than a bridge reads would leave holes in its cache. Without `preload`,
// the probes connect after it and can be served only from the bridges' caches.
std::string probe(const BenchOptions& options, std::uint64_t published_from_ns,
                  RetainedPreload* preload, double& seconds) {
    const BenchOptions probe_options = replaying(options, options.urls.size());
    MeasureWindow unused;
    ClientFleet fleet(probe_options, unused);
    ReplayProgress progress(probe_options.clients, options.retained_topics, published_from_ns);
    fleet.count_replay(progress);
    const std::uint64_t start = mono_now_ns();
    progress.start(start);
    const ConnectResult connected = fleet.connect_all();
    if (connected.opened < probe_options.clients) {
        return "could not connect: " + connected.first_error;
    }
    const std::uint64_t deadline = ns_from_now(options.replay_timeout_s);
    std::string error;
    fleet.run([&](std::uint64_t now) {
        while (preload != nullptr && !preload->done() &&
               preload->published() - slowest(progress) < kPreloadAhead) {
            if (!preload->publish_next(kPreloadChunk, error)) return true;
        }
        return progress.all_done() || fleet.open_clients() < probe_options.clients ||
               now >= deadline;
    });
    seconds = seconds_between(start, mono_now_ns());
    if (!error.empty()) return error;
    for (std::size_t i = 0; i < probe_options.clients; ++i) {
        if (progress.received_by(i) < options.retained_topics) {
            return "the bridge at port " + std::to_string(options.urls[i].port) + " sent " +
                   std::to_string(progress.received_by(i)) + " of " +
                   std::to_string(options.retained_topics) + " retained messages in " +
                   std::to_string(seconds) + " s";
        }
    }
    return "";
}

void add_live_latency(JsonLine& line, const LatencyHistogram& histogram) {
    const auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    line.add("live_latency_p50_us", us(histogram.percentile(0.50)), 1)
        .add("live_latency_p90_us", us(histogram.percentile(0.90)), 1)
        .add("live_latency_p99_us", us(histogram.percentile(0.99)), 1)
        .add("live_latency_p999_us", us(histogram.percentile(0.999)), 1)
        .add("live_latency_max_us", us(histogram.max()), 1);
}

void add_live(JsonLine& line, const LiveResult& live, const LatencyHistogram& histogram) {
    line.add("live_window_s", live.window_s)
        .add("live_messages", live.messages)
        .add("live_expected_deliveries", live.expected)
        .add("live_deliveries", live.deliveries)
        .add("live_lost", live.lost)
        .add("live_loss_ratio",
             per(static_cast<double>(live.lost), static_cast<double>(live.expected)), 6)
        .add("live_duplicates", live.duplicates)
        .add("live_reordered", live.reordered)
        .add("live_closed_by_peer", live.closed_by_peer);
    add_live_latency(line, histogram);
}

// Phases 1b (the proof from the cache), 2 and 3, once every bridge holds the preload.
ScenarioOutcome probe_and_replay(const BenchOptions& options, std::uint64_t published_from_ns,
                                 JsonLine& line) {
    double probe_s = 0;
    std::string error = probe(options, published_from_ns, nullptr, probe_s);
    line.add("probe_s", probe_s);
    if (!error.empty()) return {false, "probe from the cache: " + error};

    LiveLoad live(options);
    const bool live_started = live.start(error);
    line.add("live_clients_connected", static_cast<std::uint64_t>(live.connected().opened));
    if (!live_started) return {false, error};
    const std::uint64_t warm_until = ns_from_now(options.warmup_s);
    if (!poll_until(warm_until + static_cast<std::uint64_t>(kLiveStartGraceS * 1e9),
                    [&] { return live.flowing() && mono_now_ns() >= warm_until; })) {
        return {false, "live: no message reached a live client"};
    }

    MeasureWindow unused;  // replaying clients count retained messages, not a window
    const BenchOptions fleet_options = replaying(options, options.clients);
    ClientFleet fleet(fleet_options, unused);
    ReplayProgress progress(options.clients, options.retained_topics, published_from_ns);
    fleet.count_replay(progress);
    RssPeakSampler rss([&] { return sample_processes(options.bridge_pids); }, kRssInterval);
    const ProcSample bridge_start = sample_processes(options.bridge_pids);
    const ProcSample broker_start = sample_processes(options.broker_pids);
    const double generator_start = process_cpu_s();
    rss.start();
    live.open_window();
    const ReplayRun run = replay_to(fleet, progress, options);
    const double generator_cpu = process_cpu_s() - generator_start;
    const ProcSample bridge_end = sample_processes(options.bridge_pids);
    const ProcSample broker_end = sample_processes(options.broker_pids);
    rss.stop();
    live.finish();
    const LiveResult live_result = live.result();

    const ConnectResult& connected = run.connected;
    line.add("clients_connected", static_cast<std::uint64_t>(connected.opened))
        .add("connect_failures", static_cast<std::uint64_t>(connected.failed))
        .add("connect_s", connected.seconds)
        .add("connects_per_s", per(static_cast<double>(connected.opened), connected.seconds), 0);
    if (!connected.first_error.empty()) line.add("connect_error", connected.first_error);

    const double window_s = seconds_between(run.start_ns, run.end_ns);
    const auto completion = progress.completion_s();
    const auto frames = static_cast<double>(progress.frames());
    line.add("replay_window_s", window_s)
        .add("replay_drain_s", or_unknown(percentile_of(completion, 1.0)))
        .add("replay_clients_done", static_cast<std::uint64_t>(progress.clients_done()))
        .add("replay_clients_unfinished",
             static_cast<std::uint64_t>(progress.clients() - progress.clients_done()))
        .add("replay_client_done_p50_s", or_unknown(percentile_of(completion, 0.50)))
        .add("replay_client_done_p99_s", or_unknown(percentile_of(completion, 0.99)))
        .add("replay_frames", progress.frames())
        .add("replay_frames_expected",
             static_cast<std::uint64_t>(options.clients) * options.retained_topics)
        .add("replay_frames_per_s", per(frames, window_s), 0)
        .add("replay_duplicates", progress.duplicates())
        .add("replay_foreign_frames", progress.foreign())
        .add("closed_by_peer", fleet.closed_by_peer());
    add_live(line, live_result, live.histogram());

    const double bridge_cpu = bridge_end.cpu_s - bridge_start.cpu_s;
    const auto all_frames = frames + static_cast<double>(live_result.deliveries);
    line.add("bridge_cpu_s", bridge_cpu)
        .add("bridge_cpu_us_per_frame", per(bridge_cpu * 1e6, all_frames), 2)
        .add("bridge_rss_before_kib", static_cast<std::uint64_t>(bridge_start.rss_kib))
        .add("bridge_rss_peak_kib", static_cast<std::uint64_t>(rss.peak_kib()))
        .add("bridge_rss_kib", static_cast<std::uint64_t>(bridge_end.rss_kib))
        .add("bridge_rss_samples", rss.samples())
        .add("bridge_pids_readable",
             bridge_end.complete && rss.complete() && !options.bridge_pids.empty());
    if (!options.broker_pids.empty()) {
        line.add("broker_cpu_s", broker_end.cpu_s - broker_start.cpu_s);
    }
    line.add("generator_cpu_s", generator_cpu)
        .add("generator_cpu_us_per_frame", per(generator_cpu * 1e6, all_frames), 2)
        .add("publisher_late_s", live_result.publisher_late_s);

    if (live_result.sender_failed) return {false, "the live publisher's connection failed"};
    if (connected.opened < options.clients) {
        return {false, std::to_string(connected.failed) + " replaying clients did not connect"};
    }
    if (!progress.all_done()) {
        return {false, std::to_string(progress.clients() - progress.clients_done()) +
                           " clients did not receive all " +
                           std::to_string(options.retained_topics) + " retained messages within " +
                           std::to_string(options.replay_timeout_s) + " s"};
    }
    return {true, ""};
}

}  // namespace

ScenarioOutcome run_replay(const BenchOptions& options, JsonLine& line) {
    line.add("retained_topics", options.retained_topics)
        .add("live_clients", static_cast<std::uint64_t>(options.live_clients));
    RetainedPreload preload(options);
    std::string error;
    ScenarioOutcome outcome;
    double preload_s = 0;
    if (!preload.connect(error)) {
        outcome = {false, "preload: " + error};
    } else if (error = probe(options, preload.published_from_ns(), &preload, preload_s);
               !error.empty()) {
        line.add("preload_s", preload_s);
        outcome = {false, "preload: " + error};
    } else {
        line.add("preload_s", preload_s);
        outcome = probe_and_replay(options, preload.published_from_ns(), line);
    }
    // Every client is closed by now, so the deletions reach nobody; the runs after this
    // one (and any subscriber of <prefix>/#) find no retained state on the broker.
    std::string clear_error;
    const bool cleared = preload.clear(clear_error);
    line.add("retained_cleared", cleared);
    if (!cleared && outcome.ok) outcome = {false, "clearing the retained messages: " + clear_error};
    return outcome;
}

}  // namespace mwb::bench
