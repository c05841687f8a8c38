#include "ws/ws_server.hpp"

#include <websocketpp/common/network.hpp>

#include "mqttws/session_id.hpp"
#include "ws/metrics_exposition.hpp"

namespace mqttws::ws {

WsServer::WsServer(WsOptions options, ClientPublisher* publisher) : options_(std::move(options)) {
    for (unsigned i = 0; i < options_.threads; ++i) {
        ShardContext context{options_, state_, publisher, [this] { return render_metrics(); }};
        shards_.push_back(make_shard(i, std::move(context), /*tls=*/false));
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
    // websocketpp's byte-order helper sets a function-local static on first
    // use, unsynchronised: every frame header (ours, pings, closes) calls it.
    // Settle it here, before any shard thread exists (ThreadSanitizer saw
    // two shards race on it).
    (void)websocketpp::lib::net::_htonll(1);
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
    bump(mqtt_counters_.mqtt_messages);
    const std::optional<std::string> target = message->target_session;
    auto outbound = std::make_shared<const OutboundMessage>(std::move(message));
    if (target) {
        // The id names its shard; an id that names none is unknown everywhere.
        const auto shard = session_shard(*target);
        if (shard && *shard < shards_.size()) {
            shards_[*shard]->post_message(std::move(outbound));
        } else {
            bump(mqtt_counters_.dropped_unknown_session);
        }
        return;
    }
    for (auto& shard : shards_) shard->post_message(outbound);
}

void WsServer::count_dropped(bool too_large) {
    bump(too_large ? mqtt_counters_.mqtt_dropped_too_large : mqtt_counters_.mqtt_dropped_payload);
}

void WsServer::set_mqtt_connected(bool connected) {
    if (state_.mqtt_connected.exchange(connected) == connected) return;
    if (connected && ever_connected_.exchange(true)) bump(mqtt_counters_.mqtt_reconnects);
    for (auto& shard : shards_) shard->post_status(connected);
}

std::string WsServer::render_metrics() const {
    std::vector<const Counters*> shard_counters;
    for (const auto& shard : shards_) shard_counters.push_back(&shard->counters());
    return ws::render_metrics(state_, mqtt_counters_, shard_counters);
}

}  // namespace mqttws::ws
