// What the replay and recovery scenarios share: a paced publish that a probe client per
// bridge must receive whole, the live stream's warm-up and result fields, and the
// bridge's CPU and memory over the measured phase.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "bench_options.hpp"
#include "client_fleet.hpp"
#include "json_line.hpp"
#include "live_load.hpp"
#include "proc_stats.hpp"
#include "rss_peak_sampler.hpp"

namespace mwb::bench {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();  // written null

std::uint64_t ns_from_now(double seconds);
double seconds_between(std::uint64_t from_ns, std::uint64_t to_ns);
double per(double numerator, double denominator);  // kUnknown when dividing by 0
double or_unknown(const std::optional<double>& value);
// Checks `condition` every 2 ms until it holds (true) or `deadline_ns` passes (false).
bool poll_until(std::uint64_t deadline_ns, const std::function<bool()>& condition);
// A fleet of `clients` on --url, all connecting at once.
BenchOptions all_at_once(const BenchOptions& options, std::size_t clients);

struct FleetRun {
    ConnectResult connected;
    std::uint64_t start_ns = 0;
    std::uint64_t end_ns = 0;
};
// Connects every client of `fleet` and reads until `done()`, all are closed, or
// `timeout_s` has passed since `start_ns` (just before this call).
FleetRun connect_and_read(ClientFleet& fleet, std::uint64_t start_ns, double timeout_s,
                          const std::function<bool()>& done);

// Messages published in batches as fast as the probe lets them (see paced_probe()).
class PacedSource {
  public:
    virtual ~PacedSource() = default;
    // Publishes the next `count` messages (fewer at the end) in one write.
    virtual bool publish_next(std::uint64_t count, std::string& error) = 0;
    virtual std::uint64_t published() const = 0;
    virtual bool done() const = 0;
};

// One probe client per endpoint of `probe_urls` (every bridge) must receive all
// `messages`, stamped with sequences 0 .. messages-1 at or after `published_from_ns`;
// returns the reason when one did not within --replay-timeout, else an empty string.
//
// With a `source`, the probes connect before its first message and receive each one live
// as their bridge takes it in, and publishing stays a few hundred messages ahead of the
// slowest probe: Mosquitto silently drops QoS 0 messages for a subscriber with more than
// max_queued_messages (default 1000) waiting, so a publish written faster than a bridge
// reads would leave holes in what it keeps. Without, the probes connect after it and can
// be served only from what the bridges kept.
std::string paced_probe(const BenchOptions& options, const std::vector<Endpoint>& probe_urls,
                        std::uint64_t messages, std::uint64_t published_from_ns,
                        PacedSource* source, double& seconds);

// Starts the live stream and waits for --warmup after it flows; false with `error`.
bool warm_up_live(LiveLoad& live, const BenchOptions& options, JsonLine& line, std::string& error);
void add_live(JsonLine& line, const LiveResult& live, const LatencyHistogram& histogram);
// <prefix>_p50_us, _p90_us, _p99_us, _p999_us and _max_us.
void add_latency(JsonLine& line, const std::string& prefix, const LatencyHistogram& histogram);
// How the reconnecting clients finished, from each one's completion time: <prefix>_window_s,
// _drain_s (the last one done), _clients_done, _clients_unfinished, _client_done_p50_s, _p99_s.
void add_completion(JsonLine& line, const std::string& prefix, double window_s,
                    const std::vector<std::optional<double>>& completion);
void add_connected(JsonLine& line, const ConnectResult& connected);

// The bridge's and broker's CPU, the bridge's RSS before and at its peak, and the
// generator's own CPU, from begin() to end().
class UsageWindow {
  public:
    explicit UsageWindow(const BenchOptions& options);
    void begin();
    void end();
    // `frames`: what the measured clients received, besides the live deliveries.
    void add_to(JsonLine& line, double frames, const LiveResult& live) const;
    const ProcSample& bridge_start() const { return bridge_start_; }

  private:
    const BenchOptions& options_;
    RssPeakSampler rss_;
    ProcSample bridge_start_, broker_start_, bridge_end_, broker_end_;
    double generator_start_ = 0, generator_cpu_ = 0;
};

// The measured phase of replay and recovery: with `usage` and the live window open,
// connects every client of `fleet` at once (`started` is told the moment first) and reads
// until `done()` or --replay-timeout; then closes both and gives what the live clients saw.
struct ReconnectRun {
    FleetRun fleet;
    LiveResult live;
};
ReconnectRun measure_reconnect(const BenchOptions& options, ClientFleet& fleet, LiveLoad& live,
                               UsageWindow& usage,
                               const std::function<void(std::uint64_t)>& started,
                               const std::function<bool()>& done);

}  // namespace mwb::bench
