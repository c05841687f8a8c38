// GET /metrics: every counter of the bridge as Prometheus text format 0.0.4.
// The MQTT link's counters and each shard's are read with relaxed loads and
// summed here, at scrape time, so the hot path never shares a cache line or
// takes a lock. In the app because it reads both adapters.
#pragma once

#include <string>
#include <vector>

#include "mqtt/link_counters.hpp"
#include "ws/counters.hpp"
#include "ws/history_log.hpp"
#include "ws/retained_store.hpp"
#include "ws/server_state.hpp"

namespace mqttws::app {

// `ws` holds one Counters per shard and the server's own.
std::string render_metrics(const ws::ServerState& state, const mqtt::LinkCounters& link,
                           const std::vector<const ws::Counters*>& ws,
                           const ws::RetainedStore& retained, const ws::HistoryLog& history);

}  // namespace mqttws::app
