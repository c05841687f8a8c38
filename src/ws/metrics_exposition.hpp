// GET /metrics: every counter of the bridge as Prometheus text format 0.0.4.
// Each shard's counters are read with relaxed loads and summed here, at
// scrape time, so the hot path never shares a cache line or takes a lock.
#pragma once

#include <string>
#include <vector>

#include "ws/counters.hpp"
#include "ws/server_state.hpp"

namespace mqttws::ws {

// `mqtt` holds what the MQTT side counts; `shards` one Counters per shard.
std::string render_metrics(const ServerState& state, const Counters& mqtt,
                           const std::vector<const Counters*>& shards);

}  // namespace mqttws::ws
