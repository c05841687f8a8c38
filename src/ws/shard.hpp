// One delivery shard: an io_context run by one thread, a websocketpp endpoint
// listening on the shared port (SO_REUSEPORT), the connections it accepted,
// its own Router and retained cache. Everything here runs on the shard's
// thread; other threads reach it only through the post_* functions.
//
// The endpoint's transport (plain TCP or TLS) is a websocketpp template
// parameter, so the shard is a template over it; the server holds shards
// through the transport-neutral Shard interface.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "mqttws/client_request.hpp"
#include "mqttws/permissions.hpp"
#include "mqttws/retained_cache.hpp"
#include "mqttws/router.hpp"
#include "mqttws/static_files.hpp"
#include "ws/client_publisher.hpp"
#include "ws/counters.hpp"
#include "ws/handoff_clock.hpp"
#include "ws/outbound_message.hpp"
#include "ws/random_source.hpp"
#include "ws/server_config.hpp"
#include "ws/server_state.hpp"
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

    virtual void post_message(OutboundMessagePtr message) = 0;
    virtual void post_status(bool mqtt_connected) = 0;
    virtual void post_shutdown() = 0;

    virtual const Counters& counters() const = 0;
};

// A shard serving plain ws:// (PlainConfig) or wss:// (TlsConfig).
std::unique_ptr<Shard> make_shard(unsigned index, ShardContext context, bool tls);

template <typename Config>
class BasicShard final : public Shard {
  public:
    BasicShard(unsigned index, ShardContext context);
    BasicShard(const BasicShard&) = delete;
    BasicShard& operator=(const BasicShard&) = delete;

    std::error_code listen() override;
    void run() override;

    void post_message(OutboundMessagePtr message) override;
    void post_status(bool mqtt_connected) override;
    void post_shutdown() override;

    const Counters& counters() const override { return counters_; }

  private:
    using Server = websocketpp::server<Config>;
    using ConnectionPtr = typename Server::connection_ptr;

    struct Client {
        ConnectionPtr connection;
        std::string session_id;
        bool protocol = false;
        bool open = false;
        bool handshake_done = false;  // stays true once open, unlike `open` (close_slow clears it)
        std::vector<FramePtr> pending;  // frames routed before the handshake completed
        std::uint64_t pending_bytes = 0;
        std::uint64_t missed = 0;     // frames dropped for slowness, not yet reported
        std::uint64_t delivered = 0;  // frames handed to the connection (for the close log)
        // websocketpp restarts the pong timer on every ping: while one is
        // unanswered, no new ping, or a pong timeout above the ping interval
        // would never fire.
        bool awaiting_pong = false;
        std::string remote;
        std::string resource;
        std::chrono::steady_clock::time_point since;
        // Set with --auth token|jwt: the client's limits (nullopt: none but
        // --allow-publish), its user, and when its credential runs out.
        std::optional<Permissions> permissions;
        std::string user;
        std::unique_ptr<boost::asio::steady_timer> expiry;
        bool expired = false;
    };

    bool on_validate(websocketpp::connection_hdl hdl);
    void on_open(websocketpp::connection_hdl hdl);
    void on_close(websocketpp::connection_hdl hdl);
    void on_message(websocketpp::connection_hdl hdl, FramePtr frame);
    void on_http(websocketpp::connection_hdl hdl);
    // The client's identity, or nullopt after refusing it (401); with
    // --auth none an identity without limits.
    std::optional<std::optional<auth::Identity>> authenticate(const ConnectionPtr& con);
    void schedule_expiry(ClientId id, Client& client,
                         std::chrono::system_clock::time_point valid_until);
    void close_expired(Client& client);
    // The first of `filters` the client may not subscribe to, "" if none.
    static std::string refused_filter(const Client& client,
                                      const std::vector<std::string>& filters);
    bool refuse(const ConnectionPtr& con, websocketpp::http::status_code::value status,
                const std::string& reason, Counters::Counter& counter);

    void deliver(const OutboundMessagePtr& message);
    bool may_receive_targeted(const Client& client, const Message& msg) const;
    // `arrival`: when the broker message behind `frame` arrived, for the
    // latency histogram (unset for the bridge's own frames and replays).
    void send_frame(Client& client, const FramePtr& frame,
                    std::chrono::steady_clock::time_point arrival = {});
    void send_text(Client& client, const std::string& text);
    void write(Client& client, const FramePtr& frame,
               std::chrono::steady_clock::time_point arrival = {});
    void close_slow(Client& client);
    void schedule_pings();
    SubscribeResult subscribe(ClientId id, Client& client, const std::vector<std::string>& filters);
    void handle_request(ClientId id, Client& client, const std::string& frame);
    void handle_plain_frame(Client& client, const std::string& frame, bool binary);
    // `id_json` set: a protocol-mode op to answer; unset: a plain-mode frame.
    void publish(ClientId id, Client& client, PublishRequest request,
                 std::optional<std::string> id_json);
    void announce(const char* event, ClientId id, const Client& client);
    void forget(const ConnectionPtr& connection);
    void finish_shutdown_if_idle();

    unsigned index_;
    ShardContext context_;
    const WsOptions& options_;
    boost::asio::io_context io_{1};
    Server server_;
    boost::asio::steady_timer shutdown_timer_{io_};
    boost::asio::steady_timer ping_timer_{io_};
    Router router_;
    RetainedCache<OutboundMessagePtr> retained_;
    RandomSource random_;
    Counters counters_;
    HandoffClock handoff_clock_;
    std::unordered_map<ClientId, Client> clients_;
    std::vector<Recipient> recipients_;
    std::vector<OutboundMessagePtr> replay_;
    ClientId next_client_id_ = 1;
    bool shutting_down_ = false;
};

}  // namespace mqttws::ws
