// The WebSocket side as a whole: N shards, one thread each. Called from the
// MQTT callback thread to hand messages over; never blocks it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "mqttws/client_publisher.hpp"
#include "mqttws/message.hpp"
#include "mqttws/static_files.hpp"
#include "ws/counters.hpp"
#include "ws/server_state.hpp"
#include "ws/shard.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

class WsServer {
  public:
    // `publisher` may be null (client publishes are then refused); it must
    // outlive every shard thread.
    WsServer(WsOptions options, ClientPublisher* publisher);
    ~WsServer();
    WsServer(const WsServer&) = delete;
    WsServer& operator=(const WsServer&) = delete;

    // Binds every shard, then starts their threads.
    std::error_code start();
    // Asks every shard to close its clients with 1001; returns at once.
    void shutdown();
    // Waits for the shard threads to finish.
    void join();

    // Thread-safe: hands one broker message to the shards that need it.
    void deliver(MessagePtr message);
    // From the MQTT side: a message dropped before routing (refused payload,
    // or over --max-payload).
    void count_dropped(bool too_large);
    void set_mqtt_connected(bool connected);

    std::string render_metrics() const;

  private:
    WsOptions options_;
    std::optional<StaticFiles> console_;  // read once at start; shards only read it
    ServerState state_;
    Counters mqtt_counters_;  // written by Paho's thread only
    std::atomic<bool> ever_connected_{false};
    std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<std::thread> threads_;
};

}  // namespace mqttws::ws
