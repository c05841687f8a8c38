// Role: configuration. What the WebSocket side needs from the configuration.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include "mqttws/history_store.hpp"
#include "mqttws/inbound_publish.hpp"
#include "mqttws/session_id.hpp"
#include "ws/security_options.hpp"

namespace mqttws::ws {

// --threads by default: one delivery thread per core, as many as session ids can name.
inline unsigned default_threads() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, max_shards);
}

// The defaults are --help's (a unit test compares them): the flag table in src/app sets
// every field from its flag; these are what a WsOptions built elsewhere (tests) starts with.
struct WsOptions {
    std::string instance_id = "local";  // --instance-id: the prefix of every session id
    std::string listen_host = "0.0.0.0";
    std::uint16_t listen_port = 8080;
    std::string ws_path = "/ws";
    bool send_msg = false;  // --send msg
    unsigned threads = default_threads();
    std::uint64_t max_buffered_bytes = 1 << 20;
    std::uint64_t max_message_size = 64 << 10;
    std::size_t max_subscriptions = 100;
    std::chrono::milliseconds shutdown_timeout{5000};
    std::size_t retained_cache = 10000;
    std::uint64_t retained_bytes = 64ull << 20;
    // --history, --history-ttl, --history-memory.
    HistoryLimits history;
    // After the broker link comes back, the resync of retained state ends once
    // no retained message came for this long.
    std::chrono::milliseconds retained_settle{1000};
    std::size_t max_connections = 100000;
    bool slow_client_drop = false;  // --slow-client drop (default: close)
    std::chrono::milliseconds ping_interval{30000};
    std::chrono::milliseconds pong_timeout{10000};
    std::chrono::milliseconds handshake_timeout{5000};
    InboundOptions inbound;
    bool console = true;      // --no-console turns the web console at / off
    std::string console_dir;  // --console-dir; empty: default_console_dir()
    // --http-admin-token: when set, GET /metrics needs `Authorization: Bearer <it>`.
    std::string http_admin_token;
    SecurityOptions security;
};

inline constexpr const char* protocol_subprotocol = "mqtt-ws-bridge.v1";
// Every response's Server header. No version: a scanner learns nothing to
// look up (websocketpp would say "WebSocket++/0.8.2").
inline constexpr const char* server_header = "mqtt-ws-bridge";
// The 1001 close reason and the 503 body while an instance drains: clients
// should reconnect, and through a load balancer reach another instance.
inline constexpr const char* drain_reason = "server draining: reconnect";

}  // namespace mqttws::ws
