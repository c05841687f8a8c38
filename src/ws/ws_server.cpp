#include "ws/ws_server.hpp"

#include <websocketpp/common/network.hpp>

#include "mqttws/prometheus_text.hpp"
#include "mqttws/session_id.hpp"

namespace mqttws::ws {

WsServer::WsServer(WsOptions options, ClientPublisher* publisher) : options_(std::move(options)) {
    for (unsigned i = 0; i < options_.threads; ++i) {
        ShardContext context{options_, state_, publisher, [this] { return render_metrics(); }};
        shards_.push_back(make_shard(i, std::move(context), options_.security.tls != nullptr));
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
    auto sum = [this](Counters::Counter Counters::*field) {
        std::uint64_t total = (mqtt_counters_.*field).load(std::memory_order_relaxed);
        for (const auto& shard : shards_) {
            total += (shard->counters().*field).load(std::memory_order_relaxed);
        }
        return total;
    };
    PrometheusText out;
    out.family("mwb_clients", "gauge", "WebSocket clients connected now.");
    out.sample("mwb_clients", sum(&Counters::clients));
    out.family("mwb_subscriptions", "gauge", "Topic filters held by connected clients.");
    out.sample("mwb_subscriptions", sum(&Counters::subscriptions));
    out.family("mwb_connections_total", "counter", "WebSocket handshakes by result.");
    out.sample("mwb_connections_total", sum(&Counters::connections_accepted),
               {{"result", "accepted"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_not_found),
               {{"result", "refused"}, {"reason", "not_found"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_bad_request),
               {{"result", "refused"}, {"reason", "bad_request"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_shutting_down),
               {{"result", "refused"}, {"reason", "shutting_down"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_too_many),
               {{"result", "refused"}, {"reason", "too_many_connections"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_unauthorized),
               {{"result", "refused"}, {"reason", "unauthorized"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_forbidden),
               {{"result", "refused"}, {"reason", "forbidden"}});
    out.sample("mwb_connections_total", sum(&Counters::refused_origin),
               {{"result", "refused"}, {"reason", "origin"}});
    out.family("mwb_mqtt_messages_total", "counter", "Messages received from the broker.");
    out.sample("mwb_mqtt_messages_total", sum(&Counters::mqtt_messages));
    out.family("mwb_deliveries_total", "counter", "Frames queued to WebSocket clients.");
    out.sample("mwb_deliveries_total", sum(&Counters::deliveries));
    out.family("mwb_bytes_out_total", "counter", "Payload bytes queued to WebSocket clients.");
    out.sample("mwb_bytes_out_total", sum(&Counters::bytes_out));
    out.family("mwb_dropped_total", "counter", "Messages not delivered, by reason.");
    out.sample("mwb_dropped_total", sum(&Counters::dropped_unknown_session),
               {{"reason", "unknown_session"}});
    out.sample("mwb_dropped_total", sum(&Counters::mqtt_dropped_payload),
               {{"reason", "invalid_payload"}});
    out.sample("mwb_dropped_total", sum(&Counters::dropped_slow), {{"reason", "slow_client"}});
    out.sample("mwb_dropped_total", sum(&Counters::mqtt_dropped_too_large),
               {{"reason", "too_large"}});
    out.family("mwb_slow_client_closes_total", "counter",
               "Clients closed (1008) for queueing more than --max-buffered-bytes.");
    out.sample("mwb_slow_client_closes_total", sum(&Counters::closed_slow));
    out.family("mwb_client_publishes_total", "counter", "Client messages to MQTT, by result.");
    out.sample("mwb_client_publishes_total", sum(&Counters::publish_ok), {{"result", "published"}});
    out.sample("mwb_client_publishes_total", sum(&Counters::publish_refused),
               {{"result", "refused"}});
    out.sample("mwb_client_publishes_total", sum(&Counters::publish_failed),
               {{"result", "failed"}});
    out.family("mwb_protocol_errors_total", "counter", "Malformed or refused protocol frames.");
    out.sample("mwb_protocol_errors_total", sum(&Counters::protocol_errors));
    out.family("mwb_retained_cache_full_total", "counter",
               "Retained messages not cached because --retained-cache was full.");
    out.sample("mwb_retained_cache_full_total", sum(&Counters::retained_cache_full));
    out.family("mwb_mqtt_reconnects_total", "counter", "Broker link re-established after a loss.");
    out.sample("mwb_mqtt_reconnects_total", sum(&Counters::mqtt_reconnects));
    out.family("mwb_mqtt_connected", "gauge", "1 when the broker link is up and subscribed.");
    out.sample("mwb_mqtt_connected",
               std::uint64_t{state_.mqtt_connected.load(std::memory_order_relaxed) ? 1u : 0u});
    return out.text();
}

}  // namespace mqttws::ws
