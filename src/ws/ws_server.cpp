#include "ws/ws_server.hpp"

#include "mqttws/session_id.hpp"

namespace mqttws::ws {

WsServer::WsServer(WsOptions options, ClientPublisher* publisher) : options_(std::move(options)) {
    for (unsigned i = 0; i < options_.threads; ++i) {
        shards_.push_back(std::make_unique<Shard>(i, options_, link_, publisher));
    }
}

WsServer::~WsServer() {
    shutdown();
    join();
}

std::error_code WsServer::start() {
    for (auto& shard : shards_) {
        if (auto ec = shard->listen()) return ec;
    }
    for (auto& shard : shards_) threads_.emplace_back([s = shard.get()] { s->run(); });
    return {};
}

void WsServer::shutdown() {
    for (auto& shard : shards_) shard->post_shutdown();
}

void WsServer::join() {
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
}

void WsServer::deliver(MessagePtr message) {
    const std::optional<std::string> target = message->target_session;
    auto outbound = std::make_shared<const OutboundMessage>(std::move(message));
    if (target) {
        // The id names its shard; an id that names none is unknown everywhere.
        const auto shard = session_shard(*target);
        if (shard && *shard < shards_.size()) shards_[*shard]->post_message(std::move(outbound));
        return;
    }
    for (auto& shard : shards_) shard->post_message(outbound);
}

void WsServer::set_mqtt_connected(bool connected) {
    if (link_.mqtt_connected.exchange(connected) == connected) return;
    for (auto& shard : shards_) shard->post_status(connected);
}

}  // namespace mqttws::ws
