// Role: recovery. The recent messages of every topic that keeps history
// (--history): one HistoryStore for the whole process, written by the MQTT
// thread under an exclusive lock and read by every shard's recoveries, which
// take it shared for a few entries at a time. Live delivery never reads it.
//
// Like the retained store, the shards a message wakes are chosen under the
// exclusive lock, and a shard joins a subscription to its interest and notes
// the log's sequence under the shared lock: a recovery serves exactly the
// messages up to that sequence, and later ones reach the client live.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "mqttws/history_store.hpp"
#include "ws/outbound_message.hpp"

namespace mqttws::ws {

class HistoryLog {
  public:
    using Clock = std::chrono::steady_clock;

    HistoryLog(HistoryLimits limits, std::uint64_t epoch_seed)
        : store_(std::move(limits), epoch_seed), enabled_(store_.enabled()) {}

    // Whether any topic keeps history (otherwise the MQTT thread skips the lock).
    bool enabled() const { return enabled_; }

    // The MQTT thread: stores the message (stamping it) and runs `route()`
    // under the lock.
    template <typename Route>
    void append(const std::shared_ptr<OutboundMessage>& message, Route&& route) {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        if (const auto stamp = store_.append(OutboundMessagePtr(message), Clock::now())) {
            message->set_history(*stamp);
        }
        message->set_history_mark(store_.sequence());
        route();
        publish_sizes();
    }

    // The control loop: drops what outlived --history-ttl.
    void expire(Clock::time_point now) {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        store_.expire(now);
        publish_sizes();
    }

    // A shard: `subscribe()` (which adds to the shard's interest) under the
    // shared lock; returns the sequence a recovery for it serves up to. With
    // `positions`, also every stream the filters match, as of that sequence
    // (at most max_positions; more: false).
    static constexpr std::size_t max_positions = 10000;
    template <typename Subscribe>
    std::uint64_t subscribe(Subscribe&& subscribe, const std::vector<std::string>& filters,
                            std::vector<std::pair<std::string, StreamPosition>>* positions,
                            bool* complete) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        subscribe();
        if (positions) {
            *complete = true;
            for (const auto& filter : filters) {
                store_.for_each_position(filter,
                                         [&](const std::string& topic, const StreamPosition& p) {
                                             if (positions->size() < max_positions) {
                                                 positions->emplace_back(topic, p);
                                             } else {
                                                 *complete = false;
                                             }
                                         });
            }
            // Overlapping filters find a topic more than once.
            std::sort(positions->begin(), positions->end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            positions->erase(
                std::unique(positions->begin(), positions->end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                positions->end());
        }
        return store_.sequence();
    }

    // Reads under the shared lock (see HistoryStore for what they mean).
    RecoveryStatus check(const std::string& topic, const StreamPosition& since) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        return store_.check(topic, since);
    }
    RecoveryStatus check_from_start(const std::string& topic) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        return store_.check_from_start(topic);
    }
    // Up to `max` messages of `topic` after `offset`, no newer than `through`.
    void next_batch(const std::string& topic, std::uint64_t offset, std::uint64_t through,
                    std::vector<OutboundMessagePtr>& out, std::size_t max) const {
        out.clear();
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        HistoryStamp stamp;
        while (out.size() < max) {
            const auto* entry = store_.next(topic, offset, through, &stamp);
            if (!entry) break;
            out.push_back(*entry);
            offset = stamp.position.offset;
        }
    }

    // For /metrics, from any thread.
    std::uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
    std::size_t messages() const { return messages_.load(std::memory_order_relaxed); }
    HistoryCounters counters() const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        return store_.counters();
    }

  private:
    void publish_sizes() {
        bytes_.store(store_.bytes(), std::memory_order_relaxed);
        messages_.store(store_.messages(), std::memory_order_relaxed);
    }

    mutable std::shared_mutex mutex_;
    HistoryStore<OutboundMessagePtr> store_;
    const bool enabled_;
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<std::size_t> messages_{0};
};

}  // namespace mqttws::ws
