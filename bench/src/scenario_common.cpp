#include "scenario_common.hpp"

#include <algorithm>
#include <thread>

#include "measure_window.hpp"
#include "mono_clock.hpp"
#include "replay_progress.hpp"

namespace mwb::bench {
namespace {

// Often enough to catch a peak that lasts a fraction of a second; each sample costs the
// sampler two /proc reads.
constexpr auto kRssInterval = std::chrono::milliseconds(20);
// The probe's flow control: messages per write, and how many may be published ahead of
// the slowest bridge.
constexpr std::uint64_t kPublishChunk = 100;
constexpr std::uint64_t kPublishAhead = 500;
// How long the live stream may take to reach a client after the warm-up.
constexpr double kLiveStartGraceS = 10;

// The slowest probe's count: how far every bridge has got.
std::uint64_t slowest(const ReplayProgress& progress) {
    std::uint64_t least = progress.topics();
    for (std::size_t i = 0; i < progress.clients(); ++i) {
        least = std::min(least, progress.received_by(i));
    }
    return least;
}

}  // namespace

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

bool poll_until(std::uint64_t deadline_ns, const std::function<bool()>& condition) {
    while (!condition()) {
        if (mono_now_ns() >= deadline_ns) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

BenchOptions all_at_once(const BenchOptions& options, std::size_t clients) {
    BenchOptions fleet = options;
    fleet.clients = clients;
    fleet.connect_concurrency = clients;
    return fleet;
}

FleetRun connect_and_read(ClientFleet& fleet, std::uint64_t start_ns, double timeout_s,
                          const std::function<bool()>& done) {
    FleetRun run;
    run.start_ns = start_ns;
    const std::uint64_t deadline = start_ns + static_cast<std::uint64_t>(timeout_s * 1e9);
    // Frames are counted from the first handshake on, while the others still connect.
    run.connected = fleet.connect_all();
    fleet.run(
        [&](std::uint64_t now) { return done() || fleet.open_clients() == 0 || now >= deadline; });
    run.end_ns = mono_now_ns();
    return run;
}

std::string paced_probe(const BenchOptions& options, const std::vector<Endpoint>& probe_urls,
                        std::uint64_t messages, std::uint64_t published_from_ns,
                        PacedSource* source, double& seconds) {
    BenchOptions probe_options = all_at_once(options, probe_urls.size());
    probe_options.urls = probe_urls;
    MeasureWindow unused;
    ClientFleet fleet(probe_options, unused);
    ReplayProgress progress(probe_options.clients, messages, published_from_ns);
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
        while (source != nullptr && !source->done() &&
               source->published() - slowest(progress) < kPublishAhead) {
            if (!source->publish_next(kPublishChunk, error)) return true;
        }
        return progress.all_done() || fleet.open_clients() < probe_options.clients ||
               now >= deadline;
    });
    seconds = seconds_between(start, mono_now_ns());
    if (!error.empty()) return error;
    for (std::size_t i = 0; i < probe_options.clients; ++i) {
        if (progress.received_by(i) < messages) {
            return "the bridge at port " + std::to_string(probe_urls[i].port) + " sent " +
                   std::to_string(progress.received_by(i)) + " of " + std::to_string(messages) +
                   " messages in " + std::to_string(seconds) + " s";
        }
    }
    return "";
}

bool warm_up_live(LiveLoad& live, const BenchOptions& options, JsonLine& line, std::string& error) {
    const bool started = live.start(error);
    line.add("live_clients_connected", static_cast<std::uint64_t>(live.connected().opened));
    if (!started) return false;
    const std::uint64_t warm_until = ns_from_now(options.warmup_s);
    if (!poll_until(warm_until + static_cast<std::uint64_t>(kLiveStartGraceS * 1e9),
                    [&] { return live.flowing() && mono_now_ns() >= warm_until; })) {
        error = "live: no message reached a live client";
        return false;
    }
    return true;
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
    add_latency(line, "live_latency", histogram);
}

void add_latency(JsonLine& line, const std::string& prefix, const LatencyHistogram& histogram) {
    const auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    line.add(prefix + "_p50_us", us(histogram.percentile(0.50)), 1)
        .add(prefix + "_p90_us", us(histogram.percentile(0.90)), 1)
        .add(prefix + "_p99_us", us(histogram.percentile(0.99)), 1)
        .add(prefix + "_p999_us", us(histogram.percentile(0.999)), 1)
        .add(prefix + "_max_us", us(histogram.max()), 1);
}

void add_completion(JsonLine& line, const std::string& prefix, double window_s,
                    const std::vector<std::optional<double>>& completion) {
    const auto done = static_cast<std::uint64_t>(
        std::count_if(completion.begin(), completion.end(), [](const auto& s) { return s; }));
    line.add(prefix + "_window_s", window_s)
        .add(prefix + "_drain_s", or_unknown(percentile_of(completion, 1.0)))
        .add(prefix + "_clients_done", done)
        .add(prefix + "_clients_unfinished", static_cast<std::uint64_t>(completion.size()) - done)
        .add(prefix + "_client_done_p50_s", or_unknown(percentile_of(completion, 0.50)))
        .add(prefix + "_client_done_p99_s", or_unknown(percentile_of(completion, 0.99)));
}

void add_connected(JsonLine& line, const ConnectResult& connected) {
    line.add("clients_connected", static_cast<std::uint64_t>(connected.opened))
        .add("connect_failures", static_cast<std::uint64_t>(connected.failed))
        .add("connect_s", connected.seconds)
        .add("connects_per_s", per(static_cast<double>(connected.opened), connected.seconds), 0);
    if (!connected.first_error.empty()) line.add("connect_error", connected.first_error);
}

UsageWindow::UsageWindow(const BenchOptions& options)
    : options_(options),
      rss_([&options] { return sample_processes(options.bridge_pids); }, kRssInterval) {}

void UsageWindow::begin() {
    bridge_start_ = sample_processes(options_.bridge_pids);
    broker_start_ = sample_processes(options_.broker_pids);
    generator_start_ = process_cpu_s();
    rss_.start();
}

void UsageWindow::end() {
    generator_cpu_ = process_cpu_s() - generator_start_;
    bridge_end_ = sample_processes(options_.bridge_pids);
    broker_end_ = sample_processes(options_.broker_pids);
    rss_.stop();
}

void UsageWindow::add_to(JsonLine& line, double frames, const LiveResult& live) const {
    const double bridge_cpu = bridge_end_.cpu_s - bridge_start_.cpu_s;
    const auto all_frames = frames + static_cast<double>(live.deliveries);
    line.add("bridge_cpu_s", bridge_cpu)
        .add("bridge_cpu_us_per_frame", per(bridge_cpu * 1e6, all_frames), 2)
        .add("bridge_rss_before_kib", static_cast<std::uint64_t>(bridge_start_.rss_kib))
        .add("bridge_rss_peak_kib", static_cast<std::uint64_t>(rss_.peak_kib()))
        .add("bridge_rss_kib", static_cast<std::uint64_t>(bridge_end_.rss_kib))
        .add("bridge_rss_samples", rss_.samples())
        .add("bridge_pids_readable",
             bridge_end_.complete && rss_.complete() && !options_.bridge_pids.empty());
    if (!options_.broker_pids.empty()) {
        line.add("broker_cpu_s", broker_end_.cpu_s - broker_start_.cpu_s);
    }
    line.add("generator_cpu_s", generator_cpu_)
        .add("generator_cpu_us_per_frame", per(generator_cpu_ * 1e6, all_frames), 2)
        .add("publisher_late_s", live.publisher_late_s);
}

ReconnectRun measure_reconnect(const BenchOptions& options, ClientFleet& fleet, LiveLoad& live,
                               UsageWindow& usage,
                               const std::function<void(std::uint64_t)>& started,
                               const std::function<bool()>& done) {
    ReconnectRun result;
    usage.begin();
    live.open_window();
    const std::uint64_t start = mono_now_ns();
    started(start);
    result.fleet = connect_and_read(fleet, start, options.replay_timeout_s, done);
    // The usage window closes first: the live clients' drain is not the reconnect's cost.
    usage.end();
    live.finish();
    result.live = live.result();
    return result;
}

}  // namespace mwb::bench
