// Role: websocketpp glue. One delivery shard: an io_context run by one
// thread and a websocketpp endpoint listening on the shared port
// (SO_REUSEPORT). It turns websocketpp's events into calls on the roles
// (Handshake, Session, Delivery, ProtocolOps) and carries their answers back
// to the connections. Everything runs on the shard's thread; other threads
// reach it only through the inbox (post_message, post_status) and
// post_shutdown.
//
// The endpoint's transport (plain TCP or TLS) is a websocketpp template
// parameter, so this glue is a template over it; the server holds shards
// through the transport-neutral Shard interface.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "mqttws/client_publisher.hpp"
#include "mqttws/interest_filter.hpp"
#include "mqttws/static_files.hpp"
#include "ws/counters.hpp"
#include "ws/delivery.hpp"
#include "ws/handshake.hpp"
#include "ws/outbound_message.hpp"
#include "ws/protocol_ops.hpp"
#include "ws/random_source.hpp"
#include "ws/server_config.hpp"
#include "ws/server_state.hpp"
#include "ws/shard_inbox.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

// What a shard shares with the rest of the server.
struct ShardContext {
    const WsOptions& options;
    ServerState& state;
    ClientPublisher* publisher = nullptr;
    std::function<std::string()> render_metrics;
    const StaticFiles* console = nullptr;  // the web console at /; null when off
};

class Shard {
  public:
    virtual ~Shard() = default;

    // Binds and starts accepting; call before run().
    virtual std::error_code listen() = 0;
    // Runs the shard's loop on the calling thread until shutdown completes.
    virtual void run() = 0;

    // Any thread. Queued in the shard's inbox; one wakeup per burst.
    virtual void post_message(OutboundMessagePtr message) = 0;
    virtual void post_status(bool mqtt_connected) = 0;
    virtual void post_shutdown() = 0;

    // Any thread: whether a subscriber of this shard could match the topic.
    virtual const InterestFilter& interest() const = 0;
    virtual const Counters& counters() const = 0;
};

// A shard serving plain ws:// (PlainConfig) or wss:// (TlsConfig).
std::unique_ptr<Shard> make_shard(unsigned index, ShardContext context, bool tls);

template <typename Config>
class BasicShard final : public Shard, private SessionIo, private WriteListener {
  public:
    BasicShard(unsigned index, ShardContext context);
    BasicShard(const BasicShard&) = delete;
    BasicShard& operator=(const BasicShard&) = delete;

    std::error_code listen() override;
    void run() override;

    void post_message(OutboundMessagePtr message) override;
    void post_status(bool mqtt_connected) override;
    void post_shutdown() override;

    const InterestFilter& interest() const override { return interest_; }
    const Counters& counters() const override { return counters_; }

  private:
    using Server = websocketpp::server<Config>;
    using Connection = typename Server::connection_type;
    using ConnectionPtr = typename Server::connection_ptr;

    static Connection& connection_of(const Session& session) {
        return *static_cast<Connection*>(session.connection.get());
    }

    // SessionIo
    void write(Session& session, const std::vector<FramePtr>& frames) override;
    bool kernel_has_room(const Session& session) override;
    void close_slow(Session& session) override;
    // WriteListener
    void on_write_done(ClientId client) override;

    void post_to_inbox(InboxItem item);
    void run_pass();

    bool on_validate(websocketpp::connection_hdl hdl);
    bool refuse(const ConnectionPtr& con, const Refusal& refusal);
    void admit(const ConnectionPtr& con, Admission admission);
    void on_open(websocketpp::connection_hdl hdl);
    void on_close(websocketpp::connection_hdl hdl);
    void on_message(websocketpp::connection_hdl hdl, FramePtr frame);
    void schedule_expiry(Session& session, std::chrono::system_clock::time_point valid_until);
    void close_expired(Session& session);
    void schedule_pings();
    void announce(const char* event, const Session& session);
    void finish_shutdown_if_idle();

    unsigned index_;
    ShardContext context_;
    const WsOptions& options_;
    boost::asio::io_context io_{1};
    Server server_;
    boost::asio::steady_timer shutdown_timer_{io_};
    boost::asio::steady_timer ping_timer_{io_};
    Counters counters_;
    Delivery delivery_;
    ProtocolOps protocol_ops_;
    const InterestFilter& interest_;
    RandomSource random_;
    ShardInbox inbox_;
    std::vector<InboxItem> pass_;
    ClientId next_client_id_ = 1;
    bool shutting_down_ = false;
};

}  // namespace mqttws::ws
