// Role: server (see ws_server.hpp).
#include "ws/ws_server.hpp"

#include <websocketpp/common/network.hpp>

#include <array>
#include <random>

#include "mqttws/session_id.hpp"
#include "ws/console_files.hpp"

namespace mqttws::ws {

WsServer::WsServer(WsOptions options, ClientPublisher* publisher,
                   std::function<std::string()> render_metrics)
    : options_(std::move(options)),
      console_(load_console(options_)),
      retained_(RetainedLimits{options_.retained_cache, options_.retained_bytes}),
      history_(options_.history, std::random_device{}() * 0x100000001ull ^ std::random_device{}()) {
    for (unsigned i = 0; i < options_.threads; ++i) {
        ShardContext context{options_, state_,    descriptors_,   retained_,
                             history_, publisher, render_metrics, console_ ? &*console_ : nullptr};
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
    state_.draining.store(true);
    for (auto& shard : shards_) shard->post_shutdown();
}

void WsServer::join() {
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
}

void WsServer::deliver(MessagePtr message) {
    if (message->target_session) {
        // The id names its instance and shard: one shard of one instance delivers.
        const SessionLocation where = locate_session(*message->target_session, options_.instance_id,
                                                     static_cast<unsigned>(shards_.size()));
        switch (where.place) {
            case SessionPlace::local:
                shards_[where.shard]->post_message(
                    std::make_shared<const OutboundMessage>(std::move(message)));
                break;
            case SessionPlace::not_local:
                // Every instance sees a shared topic; the holder delivers.
                bump(routing_counters_.dropped_not_local);
                break;
            case SessionPlace::unknown:
                bump(routing_counters_.dropped_unknown_session);
                break;
        }
        return;
    }
    // Split once here, matched by every shard's interest filter and trie.
    const auto outbound = std::make_shared<OutboundMessage>(std::move(message));
    // Only shards whose interest filter may match are woken. For a retained
    // message the choice is made under the store's lock, so that a replay
    // starting on a shard and this message agree on which of them the new
    // subscriber gets it from (RetainedStore).
    std::array<bool, max_shards> wake{};
    const auto choose = [&] {
        for (std::size_t i = 0; i < shards_.size(); ++i) {
            wake[i] = shards_[i]->interest().may_match(outbound->levels());
        }
    };
    // With history, the message is stamped and the shards chosen under the
    // history's lock too (taken after the retained store's, as shards do).
    const auto keep_and_choose = [&] {
        if (history_.enabled()) {
            history_.append(outbound, choose);
        } else {
            choose();
        }
    };
    if (outbound->message().retain) {
        retained_.update(outbound, [&](std::uint64_t number) {
            outbound->set_store_mark(number);
            keep_and_choose();
        });
    } else {
        outbound->set_store_mark(retained_.updates());
        keep_and_choose();
    }
    for (std::size_t i = 0; i < shards_.size(); ++i) {
        if (wake[i]) shards_[i]->post_message(outbound);
    }
}

void WsServer::set_mqtt_connected(bool connected) {
    if (state_.mqtt_connected.exchange(connected) == connected) return;
    for (auto& shard : shards_) shard->post_status(connected);
}

void WsServer::end_retained_resync(bool complete) {
    retained_.end_resync(complete);
    for (auto& shard : shards_) shard->post_retained_ready();
}

std::vector<const Counters*> WsServer::counters() const {
    std::vector<const Counters*> all{&routing_counters_};
    for (const auto& shard : shards_) all.push_back(&shard->counters());
    return all;
}

}  // namespace mqttws::ws
