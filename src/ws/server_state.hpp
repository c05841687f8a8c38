// Role: server state. State every shard reads and a few write: the broker link (for /healthz
// and status frames) and the connection count behind --max-connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

namespace mqttws::ws {

struct ServerState {
    std::atomic<bool> mqtt_connected{false};
    // Set once on SIGTERM/SIGINT, before any shard hears of it: no shard
    // accepts a handshake after that, even before it stops listening.
    std::atomic<bool> draining{false};
    // Handshakes accepted and not yet closed, over all shards.
    std::atomic<std::size_t> connections{0};
    // For /healthz's uptime and /metrics' start time.
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    const std::chrono::system_clock::time_point started_wall = std::chrono::system_clock::now();
};

}  // namespace mqttws::ws
