// The recovery scenario: what --history costs when many protocol clients come back at
// once with their positions, and what it does meanwhile to live traffic.
//   1. positions: one message on each of the clients' own topics <prefix>/rec/<i>/<j>
//      (paced by a probe), then every client subscribes <prefix>/rec/<i>/# with
//      "recover":true, keeps the positions its ack gives, and goes away;
//   2. away: M messages per client over its topics, paced so that a probe receives each
//      one live (so the bridge keeps each one); the bridge's RSS growth, and its own
//      accounting from /metrics, per message kept;
//   3. recover: --live-clients and a publisher at --rate, warmed up; then all clients
//      connect at once and subscribe with "since": each must be acked recovered:true and
//      get exactly the M messages it missed, each topic in order.
// Nothing is retained, so nothing is left on the broker.
#pragma once

#include "bench_options.hpp"
#include "json_line.hpp"
#include "replay_scenario.hpp"

namespace mwb::bench {

// Runs the three phases, adding the recovery fields to `line`.
ScenarioOutcome run_recovery(const BenchOptions& options, JsonLine& line);

}  // namespace mwb::bench
