// One delivery shard: an io_context run by one thread, a websocketpp endpoint
// listening on the shared port (SO_REUSEPORT), the connections it accepted,
// and its own Router. Everything here runs on the shard's thread; other
// threads reach it only through the post_* functions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "mqttws/router.hpp"
#include "ws/client_publisher.hpp"
#include "ws/link_status.hpp"
#include "ws/outbound_message.hpp"
#include "ws/random_source.hpp"
#include "ws/server_config.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

class Shard {
  public:
    Shard(unsigned index, const WsOptions& options, const LinkStatus& link,
          ClientPublisher* publisher);
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    // Binds and starts accepting; call before run().
    std::error_code listen();
    // Runs the shard's loop on the calling thread until shutdown completes.
    void run();

    void post_message(OutboundMessagePtr message);
    void post_status(bool mqtt_connected);
    void post_shutdown();

  private:
    struct Client {
        ConnectionPtr connection;
        std::string session_id;
        bool protocol = false;
        bool open = false;
        std::vector<FramePtr> pending;  // frames routed before the handshake completed
    };

    bool on_validate(websocketpp::connection_hdl hdl);
    void on_open(websocketpp::connection_hdl hdl);
    void on_close(websocketpp::connection_hdl hdl);
    void on_message(websocketpp::connection_hdl hdl, ShardConfig::message_type::ptr frame);
    void on_http(websocketpp::connection_hdl hdl);

    void deliver(const OutboundMessage& message);
    void send_frame(Client& client, const FramePtr& frame);
    void send_text(Client& client, const std::string& text);
    void handle_request(ClientId id, Client& client, const std::string& frame);
    void forget(ConnectionPtr connection);
    void finish_shutdown_if_idle();

    unsigned index_;
    const WsOptions& options_;
    const LinkStatus& link_;
    ClientPublisher* publisher_;
    boost::asio::io_context io_{1};
    Server server_;
    boost::asio::steady_timer shutdown_timer_{io_};
    Router router_;
    RandomSource random_;
    std::unordered_map<ClientId, Client> clients_;
    std::vector<Recipient> recipients_;
    ClientId next_client_id_ = 1;
    bool shutting_down_ = false;
};

}  // namespace mqttws::ws
