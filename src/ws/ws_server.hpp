// Role: server. The WebSocket side as a whole: N shards, one thread each. Called from the
// MQTT callback thread to hand messages over; never blocks it.
#pragma once

#include <chrono>
#include <functional>
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
#include "ws/descriptor_reserve.hpp"
#include "ws/history_log.hpp"
#include "ws/retained_store.hpp"
#include "ws/server_state.hpp"
#include "ws/shard.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

class WsServer {
  public:
    // `publisher` may be null (client publishes are then refused); it must
    // outlive every shard thread. `render_metrics` answers GET /metrics (it
    // may read counters() and the MQTT link's), called on shard threads.
    WsServer(WsOptions options, ClientPublisher* publisher,
             std::function<std::string()> render_metrics);
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
    void set_mqtt_connected(bool connected);

    // Retained state against the broker's (see RetainedStore): the link is
    // back and about to subscribe; the broker has sent what it holds; and
    // messages whose expiry interval ran out.
    void begin_retained_resync() { retained_.begin_resync(); }
    // `complete`: the broker sent all it holds (drop the rest); otherwise
    // the link dropped first and what is stored stays.
    void end_retained_resync(bool complete);
    // Retained messages whose expiry interval ran out, and history past
    // --history-ttl.
    void expire(std::chrono::steady_clock::time_point now) {
        retained_.expire(now);
        if (history_.enabled()) history_.expire(now);
    }
    const RetainedStore& retained() const { return retained_; }
    const HistoryLog& history() const { return history_; }

    const ServerState& state() const { return state_; }
    // Every shard's counters and the server's own (what it routes on the
    // MQTT thread), to be summed.
    std::vector<const Counters*> counters() const;
    // How the shards write to sockets, once started (for the start-up log).
    std::string write_method() const {
        return shards_.empty() ? "" : shards_.front()->write_method();
    }

  private:
    WsOptions options_;
    std::optional<StaticFiles> console_;  // read once at start; shards only read it
    ServerState state_;
    DescriptorReserve descriptors_{4};  // before the shards: their connections borrow from it
    RetainedStore retained_;            // one for every shard; written by the MQTT thread
    HistoryLog history_;                // likewise
    Counters routing_counters_;         // written by the MQTT thread only
    std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<std::thread> threads_;
};

}  // namespace mqttws::ws
