// The replay scenario: what a bridge's retained cache costs when many clients come back at
// once (after a restart or a network cut), and what it does meanwhile to live traffic.
//   1. preload: R retained messages on <prefix>/retained/<i>; then probes (one client per
//      --url) that must each receive all R, proving the bridge holds them;
//   2. live: --live-clients on --live-url and a publisher at --rate, warmed up;
//   3. replay: --clients on --url connect at once, each counted until it has all R, while
//      the live clients measure latency and the bridge's CPU and peak RSS are sampled.
// Afterwards the retained messages are deleted from the broker again.
#pragma once

#include <string>

#include "bench_options.hpp"
#include "json_line.hpp"

namespace mwb::bench {

struct ScenarioOutcome {
    bool ok = false;
    std::string error;
};

// Runs the three phases, adding the replay fields to `line`.
ScenarioOutcome run_replay(const BenchOptions& options, JsonLine& line);

}  // namespace mwb::bench
