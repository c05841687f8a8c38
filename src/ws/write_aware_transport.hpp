// Role: websocketpp glue. The asio transport with one addition: it tells the
// shard when a write of data frames has completed, i.e. when the kernel has
// accepted every byte of it. websocketpp has no such callback, and flow
// control needs it: a session hands its next frames to the socket only then,
// and replay is pulled from the store only as fast as the socket drains.
//
// websocketpp calls `transport_con_type::async_write` by its qualified name,
// so a transport whose connection type derives from asio's and hides that one
// overload sees every frame write. The handshake response uses the other
// overload and is not reported.
#pragma once

#include <utility>
#include <vector>
#include <websocketpp/transport/asio/connection.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>

#include "mqttws/subscription_index.hpp"

namespace mqttws::ws {

// Told when a connection's frame write completes (on the shard's thread).
class WriteListener {
  public:
    virtual void on_write_done(ClientId client) = 0;

  protected:
    ~WriteListener() = default;
};

template <typename TransportConfig>
class WriteAwareConnection : public websocketpp::transport::asio::connection<TransportConfig> {
    using base = websocketpp::transport::asio::connection<TransportConfig>;

  public:
    using base::async_write;
    using base::base;

    void async_write(std::vector<websocketpp::transport::buffer> const& bufs,
                     websocketpp::transport::write_handler handler) {
        frame_write_done_ = std::move(handler);
        // `this` outlives the call: asio's handler holds the connection.
        base::async_write(bufs, [this](websocketpp::lib::error_code const& ec) {
            // websocketpp's own handler first: it may already start the next
            // write of frames it queued meanwhile (pings, closes).
            websocketpp::transport::write_handler done = std::move(frame_write_done_);
            done(ec);
            if (listener && client_id != 0) listener->on_write_done(client_id);
        });
    }

    // The shard's client behind this connection; 0 once it is forgotten
    // (or never admitted).
    ClientId client_id = 0;
    WriteListener* listener = nullptr;

  private:
    websocketpp::transport::write_handler frame_write_done_;
};

template <typename TransportConfig>
class WriteAwareEndpoint : public websocketpp::transport::asio::endpoint<TransportConfig> {
  public:
    using transport_con_type = WriteAwareConnection<TransportConfig>;
};

}  // namespace mqttws::ws
