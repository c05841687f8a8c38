// Role: websocketpp glue. One delivery shard: an io_context run by one
// thread and a websocketpp endpoint listening on the shared port
// (SO_REUSEPORT). It turns websocketpp's events (and, once a plain
// connection's upgrade is done, its WsStream's) into calls on ShardCore and
// implements SessionIo for the way back to the connections; nothing else.
//
// The endpoint's transport (plain TCP or TLS) is a websocketpp template
// parameter, so this glue is a template over it; the server holds shards
// through the transport-neutral Shard interface.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "ws/accept_loop.hpp"
#include "ws/batched_sender.hpp"
#include "ws/server_config.hpp"
#include "ws/shard_core.hpp"
#include "ws/ws_stream.hpp"

namespace mqttws::ws {

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
    virtual void post_retained_ready() = 0;
    virtual void post_shutdown() = 0;

    // Any thread: whether a subscriber of this shard could match a topic.
    virtual const InterestFilter& interest() const = 0;
    virtual const Counters& counters() const = 0;
    // How this shard writes to sockets (for the start-up log).
    virtual std::string write_method() const = 0;
};

// A shard serving plain ws:// (PlainConfig) or wss:// (TlsConfig).
std::unique_ptr<Shard> make_shard(unsigned index, ShardContext context, bool tls);

template <typename Config>
class BasicShard final : public Shard,
                         private SessionIo,
                         private WriteListener,
                         private StreamEvents {
  public:
    BasicShard(unsigned index, ShardContext context);
    BasicShard(const BasicShard&) = delete;
    BasicShard& operator=(const BasicShard&) = delete;

    std::error_code listen() override;
    void run() override;

    void post_message(OutboundMessagePtr message) override {
        core_.post_message(std::move(message));
    }
    void post_status(bool mqtt_connected) override { core_.post_status(mqtt_connected); }
    void post_retained_ready() override { core_.post_retained_ready(); }
    void post_shutdown() override;

    const InterestFilter& interest() const override { return core_.interest(); }
    const Counters& counters() const override { return core_.counters(); }
    std::string write_method() const override { return sender_.method(); }

  private:
    using Server = websocketpp::server<Config>;
    using Connection = typename Server::connection_type;
    using ConnectionPtr = typename Server::connection_ptr;

    static Connection& connection_of(const Session& session) {
        return *static_cast<Connection*>(session.connection.get());
    }
    static WsStream& stream_of(const Session& session) {
        return *static_cast<WsStream*>(session.connection.get());
    }
    // A plain connection whose 101 is out leaves websocketpp for a WsStream.
    void hand_over(const ConnectionPtr& con, Session& session);

    // SessionIo
    FrameWrite write(Session& session, const std::vector<FramePtr>& frames,
                     std::size_t& written) override;
    void write_pass(PassWrite* writes, std::size_t count) override;
    void continue_later(Session& session) override;
    bool kernel_has_room(const Session& session) override;
    void close(Session& session, std::uint16_t code, const std::string& reason) override;
    bool ping(Session& session) override;
    // WriteListener
    void on_write_done(ClientId client) override;
    // StreamEvents
    void on_stream_message(ClientId client, const std::string& payload, bool binary) override {
        core_.on_frame(client, payload, binary);
    }
    void on_stream_pong(ClientId client) override { core_.on_pong(client); }
    void on_stream_write_done(ClientId client) override { core_.write_done(client); }
    void on_stream_pong_missing(ClientId client) override;
    void on_stream_closed(ClientId client, CloseFacts facts) override {
        core_.closed(client, std::move(facts));
    }

    bool on_validate(websocketpp::connection_hdl hdl);
    void on_open(websocketpp::connection_hdl hdl);
    void on_close(websocketpp::connection_hdl hdl);

    unsigned index_;
    boost::asio::io_context io_{1};
    Server server_;
    BatchedSender sender_;
    std::vector<PassWrite*> sent_;            // the writes handed to sender_
    std::vector<SendOutcome> sent_outcomes_;  // and what became of them
    StreamSettings stream_settings_;
    std::vector<char> read_buffer_;  // every WsStream's, one at a time
    ShardCore core_;
    AcceptLoop<Server> accept_;
};

}  // namespace mqttws::ws
