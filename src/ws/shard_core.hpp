// Role: shard core. Everything a shard does that does not depend on the
// websocketpp transport: the inbox and its delivery passes, sessions from
// admission to close (logs, connection events, token expiry, pings), and
// shutdown. Not a template: the glue (BasicShard) turns websocketpp's events
// into these calls and implements SessionIo for the way back. Runs on the
// shard's thread except where a member says otherwise.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqttws/client_publisher.hpp"
#include "mqttws/interest_filter.hpp"
#include "mqttws/static_files.hpp"
#include "ws/connection_log.hpp"
#include "ws/counters.hpp"
#include "ws/delivery.hpp"
#include "ws/descriptor_reserve.hpp"
#include "ws/handshake.hpp"
#include "ws/history_log.hpp"
#include "ws/protocol_ops.hpp"
#include "ws/random_source.hpp"
#include "ws/server_state.hpp"
#include "ws/shard_inbox.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

// What a shard shares with the rest of the server.
struct ShardContext {
    const WsOptions& options;
    ServerState& state;
    DescriptorReserve& descriptors;  // the process's, for when accept() runs out
    const RetainedStore& retained;   // the process's retained state
    const HistoryLog& history;       // the process's history (--history)
    ClientPublisher* publisher = nullptr;
    std::function<std::string()> render_metrics;
    const StaticFiles* console = nullptr;  // the web console at /; null when off
};

// A client's connection as admitted: the glue's handle and what the request said.
struct AdmittedConnection {
    std::shared_ptr<void> handle;
    std::string remote;
    std::string resource;
};

class ShardCore {
  public:
    ShardCore(unsigned index, ShardContext context, boost::asio::io_context& io,
              SessionIo& io_side);
    ShardCore(const ShardCore&) = delete;
    ShardCore& operator=(const ShardCore&) = delete;

    const WsOptions& options() const { return options_; }
    const ShardContext& context() const { return context_; }
    Counters& counters() { return counters_; }
    const Counters& counters() const { return counters_; }
    // Any thread.
    const InterestFilter& interest() const { return delivery_.router().interest(); }
    bool shutting_down() const { return shutting_down_; }
    Session* find(ClientId id) { return delivery_.find(id); }

    // Any thread: queued in the inbox, run in one pass per burst.
    void post_message(OutboundMessagePtr message);
    void post_status(bool mqtt_connected);
    // The retained store finished a resync: replays that waited go on.
    void post_retained_ready();
    void post_task(std::function<void()> task);
    // The shard's thread, between handlers: delivers a waiting burst now.
    void take_waiting_burst() { inbox_.take_if_waiting(); }

    // The handshake, including --max-connections (shared by every shard).
    HandshakeResult decide(const HandshakeRequest& request);
    void count_refusal(RefusalKind kind);
    // Registers the client, queues its welcome and retained state.
    Session& admit(Admission admission, AdmittedConnection connection);
    void opened(ClientId id);
    void closed(ClientId id, CloseFacts facts);
    void on_frame(ClientId id, const std::string& payload, bool binary);
    void on_pong(ClientId id);
    void write_done(ClientId id) { delivery_.write_done(id); }
    void resume(ClientId id) { delivery_.resume(id); }

    void start();
    // Stops accepting handshakes and closes every client with 1001; the
    // io_context stops once they are gone or --shutdown-timeout passed.
    void shutdown();

  private:
    void run_pass(std::vector<InboxItem>& items);
    void schedule_expiry(Session& session, std::chrono::system_clock::time_point valid_until);
    void close_expired(Session& session);
    void schedule_pings();
    void announce(const char* event, const Session& session);
    void finish_shutdown_if_idle();

    unsigned index_;
    ShardContext context_;
    const WsOptions& options_;
    boost::asio::io_context& io_;
    SessionIo& io_side_;
    boost::asio::steady_timer shutdown_timer_;
    boost::asio::steady_timer ping_timer_;
    Counters counters_;
    Delivery delivery_;
    ProtocolOps protocol_ops_;
    RandomSource random_;
    ShardInbox inbox_;
    bool shutting_down_ = false;
};

}  // namespace mqttws::ws
