#include "replay_scenario.hpp"

#include "client_fleet.hpp"
#include "live_load.hpp"
#include "measure_window.hpp"
#include "mono_clock.hpp"
#include "replay_progress.hpp"
#include "retained_preload.hpp"
#include "scenario_common.hpp"

namespace mwb::bench {
namespace {

// Phases 1b (the proof from the cache), 2 and 3, once every bridge holds the preload.
ScenarioOutcome probe_and_replay(const BenchOptions& options, std::uint64_t published_from_ns,
                                 JsonLine& line) {
    double probe_s = 0;
    std::string error = paced_probe(options, options.urls, options.retained_topics,
                                    published_from_ns, nullptr, probe_s);
    line.add("probe_s", probe_s);
    if (!error.empty()) return {false, "probe from the cache: " + error};

    LiveLoad live(options);
    if (!warm_up_live(live, options, line, error)) return {false, error};

    MeasureWindow unused;  // replaying clients count retained messages, not a window
    const BenchOptions fleet_options = all_at_once(options, options.clients);
    ClientFleet fleet(fleet_options, unused);
    ReplayProgress progress(options.clients, options.retained_topics, published_from_ns);
    fleet.count_replay(progress);
    UsageWindow usage(options);
    const ReconnectRun measured = measure_reconnect(
        options, fleet, live, usage, [&](std::uint64_t start) { progress.start(start); },
        [&] { return progress.all_done(); });
    const FleetRun& run = measured.fleet;
    const LiveResult& live_result = measured.live;

    const ConnectResult& connected = run.connected;
    add_connected(line, connected);

    const double window_s = seconds_between(run.start_ns, run.end_ns);
    const auto frames = static_cast<double>(progress.frames());
    add_completion(line, "replay", window_s, progress.completion_s());
    line.add("replay_frames", progress.frames())
        .add("replay_frames_expected",
             static_cast<std::uint64_t>(options.clients) * options.retained_topics)
        .add("replay_frames_per_s", per(frames, window_s), 0)
        .add("replay_duplicates", progress.duplicates())
        .add("replay_foreign_frames", progress.foreign())
        .add("closed_by_peer", fleet.closed_by_peer());
    add_live(line, live_result, live.histogram());

    usage.add_to(line, frames, live_result);

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
    } else if (error = paced_probe(options, options.urls, options.retained_topics,
                                   preload.published_from_ns(), &preload, preload_s);
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
