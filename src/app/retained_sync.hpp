// Keeps the retained store honest against the broker, on the control loop:
// a resync each time the link comes back (ended once retained messages stop
// arriving for --retained-settle, abandoned if the link drops first), and
// expired messages dropped every second.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

#include "ws/ws_server.hpp"

namespace mqttws::app {

class RetainedSync {
  public:
    RetainedSync(boost::asio::io_context& control, ws::WsServer& server,
                 std::chrono::milliseconds settle);

    // From the MQTT thread.
    void link_connected();
    void link_changed(bool up);

    void start();
    void stop();

  private:
    void check_settled(std::uint64_t epoch);
    void schedule_expiry();

    boost::asio::io_context& control_;
    ws::WsServer& server_;
    std::chrono::milliseconds settle_;
    boost::asio::steady_timer settle_timer_;
    boost::asio::steady_timer expiry_timer_;
    std::uint64_t epoch_ = 0;  // control loop only
    bool resyncing_ = false;   // control loop only
};

}  // namespace mqttws::app
