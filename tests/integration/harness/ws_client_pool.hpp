#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/deadline.hpp"
#include "harness/ws_client_types.hpp"
#include "harness/ws_connection.hpp"

namespace mwb::it {

// One websocketpp client endpoint whose I/O runs on one thread of its own; it holds any number
// of connections (200 clients cost one thread). websocketpp's access and error logs are off.
// Connections live as long as the pool; references to them stay valid until it is destroyed.
class WsClientPool {
  public:
    WsClientPool();
    // Closes open connections (1000, waiting a bounded time for the server's answer), then
    // stops the I/O thread.
    ~WsClientPool();
    WsClientPool(const WsClientPool&) = delete;
    WsClientPool& operator=(const WsClientPool&) = delete;

    // Starts connecting; returns at once. Use wait_open() on the result.
    WsConnection& connect(const std::string& uri,
                          const std::optional<std::string>& subprotocol = std::nullopt);

    // Connects and waits; throws std::runtime_error (with the response) unless it opened.
    WsConnection& connect_open(const std::string& uri,
                               const std::optional<std::string>& subprotocol = std::nullopt,
                               const Deadline& deadline = std::chrono::seconds(20));

    std::size_t size() const;

  private:
    WsClientEndpoint endpoint_;
    std::thread io_thread_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<WsConnection>> connections_;
};

}  // namespace mwb::it
