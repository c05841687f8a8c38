// What the WebSocket side needs from the configuration.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "mqttws/inbound_publish.hpp"
#include "ws/security_options.hpp"

namespace mqttws::ws {

struct WsOptions {
    std::string listen_host = "0.0.0.0";
    std::uint16_t listen_port = 8080;
    std::string ws_path = "/ws";
    bool send_msg = false;  // --send msg
    unsigned threads = 1;
    std::uint64_t max_buffered_bytes = 1 << 20;
    std::uint64_t max_message_size = 64 << 10;
    std::size_t max_subscriptions = 100;
    std::chrono::milliseconds shutdown_timeout{5000};
    std::size_t retained_cache = 10000;
    std::size_t max_connections = 100000;
    bool slow_client_drop = false;  // --slow-client drop (default: close)
    std::chrono::milliseconds ping_interval{30000};
    std::chrono::milliseconds pong_timeout{10000};
    std::chrono::milliseconds handshake_timeout{5000};
    InboundOptions inbound;
    SecurityOptions security;
};

inline constexpr const char* protocol_subprotocol = "mqtt-ws-bridge.v1";

}  // namespace mqttws::ws
