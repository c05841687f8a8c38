#include "harness/ws_client_pool.hpp"

#include <boost/asio/post.hpp>
#include <stdexcept>

namespace mwb::it {

WsClientPool::WsClientPool() {
    endpoint_.clear_access_channels(websocketpp::log::alevel::all);
    endpoint_.clear_error_channels(websocketpp::log::elevel::all);
    endpoint_.init_asio();
    endpoint_.start_perpetual();
    io_thread_ = std::thread([this] { endpoint_.run(); });
}

WsClientPool::~WsClientPool() {
    endpoint_.stop_perpetual();
    std::vector<WsConnection*> open;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& c : connections_) {
            if (c->state() == WsConnection::State::open) open.push_back(c.get());
        }
    }
    for (WsConnection* c : open) c->close(1000, "test done");
    const Deadline deadline(std::chrono::seconds(5));
    for (WsConnection* c : open) c->wait_closed(deadline);
    endpoint_.stop();
    if (io_thread_.joinable()) io_thread_.join();
}

WsConnection& WsClientPool::connect(const std::string& uri,
                                    const std::optional<std::string>& subprotocol) {
    WsConnection* connection = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        connections_.push_back(std::make_unique<WsConnection>(endpoint_, uri));
        connection = connections_.back().get();
    }
    // websocketpp's endpoint is driven from its I/O thread only.
    boost::asio::post(endpoint_.get_io_service(),
                      [connection, subprotocol] { connection->start(subprotocol); });
    return *connection;
}

WsConnection& WsClientPool::connect_open(const std::string& uri,
                                         const std::optional<std::string>& subprotocol,
                                         const Deadline& deadline) {
    WsConnection& connection = connect(uri, subprotocol);
    if (!connection.wait_open(deadline)) {
        throw std::runtime_error("WebSocket connection did not open: " + connection.describe());
    }
    return connection;
}

std::size_t WsClientPool::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return connections_.size();
}

}  // namespace mwb::it
