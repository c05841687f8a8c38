// Role: replay. The retained state of the whole process: one tree of topic
// levels (RetainedCache), written under an exclusive lock (by the MQTT thread
// for each retained message, by the control loop to expire messages and to
// end a resync) and read by every shard's replays, which take it shared for
// one entry at a time. Live delivery never touches the store, so a message's
// way to its subscribers takes no lock.
//
// Every retained message gets a number from the store. Which shards a
// retained message is handed to is decided under the exclusive lock, from
// their interest filters; a shard adds a subscription's filters to its
// interest and notes the store's number under the shared lock. So for each
// retained message either its number is no newer than the one a replay noted
// (the replay yields it, and no live copy reaches that subscription: the
// interest was not there yet) or it is newer (the replay skips it, and it
// reaches the subscriber live, queued behind the replay). A shard none of
// whose clients can match a retained message is not woken for it.
//
// The broker is the truth: after the link comes back, the broker sends its
// retained messages again; a resync drops what it did not send once the
// retained messages stop coming (--retained-settle). Replays wait meanwhile.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "mqttws/counter.hpp"
#include "mqttws/retained_cache.hpp"
#include "ws/outbound_message.hpp"

namespace mqttws::ws {

class RetainedStore {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RetainedStore(RetainedLimits limits) : cache_(limits) {}

    // The MQTT thread. Returns what happened; `route()` runs under the lock,
    // after the update (it decides which shards get the message live).
    // `route(number)` gets the message's number: the store's count of updates
    // with this one.
    template <typename Route>
    RetainedUpdate update(const OutboundMessagePtr& message, Route&& route) {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        const RetainedUpdate result = update_locked(message);
        route(cache_.updates());
        return result;
    }
    RetainedUpdate update(const OutboundMessagePtr& message) {
        return update(message, [](std::uint64_t) {});
    }
    // The MQTT thread (the only one that updates): the count of updates so far.
    std::uint64_t updates() const { return updates_.load(std::memory_order_relaxed); }

    // A shard: `subscribe()` (which adds to the shard's interest) runs under
    // the shared lock; returns the number a replay for it serves up to.
    template <typename Subscribe>
    std::uint64_t subscribe(Subscribe&& subscribe) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        subscribe();
        return cache_.updates();
    }

    // The control loop: drops what expired by `now`.
    void expire(Clock::time_point now) {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        expired_.fetch_add(cache_.expire(now), std::memory_order_relaxed);
        publish_sizes();
    }

    // The broker link is back (before it subscribes again): replays wait and
    // every retained message from now on is confirmed by the broker.
    void begin_resync() {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        cache_.begin_resync();
        resyncing_.store(true, std::memory_order_release);
    }
    // The broker sent what it holds (`complete`: drop the rest) or the link
    // dropped before it was done (keep everything); replays go on.
    void end_resync(bool complete) {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        if (complete) resynced_out_.fetch_add(cache_.end_resync(), std::memory_order_relaxed);
        resyncing_.store(false, std::memory_order_release);
        publish_sizes();
    }
    bool resyncing() const { return resyncing_.load(std::memory_order_acquire); }
    // When the last retained message arrived (to tell when the broker is done).
    Clock::time_point last_update() const {
        return Clock::time_point(Clock::duration(last_update_.load(std::memory_order_relaxed)));
    }

    // Any shard: a cursor over what `added` matches and `held` does not, of
    // the entries no newer than `through`.
    RetainedCursor replay(std::vector<std::string> added, std::vector<std::string> held,
                          std::uint64_t through) const {
        RetainedCursor cursor = cache_.replay(std::move(added), std::move(held));
        cursor.through = through;
        return cursor;
    }

    // Up to `max` next entries of `cursor`, shared with the store (fewer:
    // the cursor is done). One walk and one hold of the lock for all of them.
    void next_batch(RetainedCursor& cursor, std::vector<OutboundMessagePtr>& out,
                    std::size_t max) const {
        thread_local std::vector<const OutboundMessagePtr*> found;
        {
            const std::shared_lock<std::shared_mutex> lock(mutex_);
            cache_.next_batch(cursor, found, max);
            out.clear();
            for (const OutboundMessagePtr* entry : found) out.push_back(*entry);
        }
        found.clear();
    }

    bool has_next(const RetainedCursor& cursor) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        return cache_.has_next(cursor);
    }

    // For /metrics, from any thread.
    std::size_t size() const { return size_.load(std::memory_order_relaxed); }
    std::uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
    std::uint64_t evicted() const { return evicted_.load(std::memory_order_relaxed); }
    std::uint64_t expired() const { return expired_.load(std::memory_order_relaxed); }
    std::uint64_t resynced_out() const { return resynced_out_.load(std::memory_order_relaxed); }
    std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

  private:
    RetainedUpdate update_locked(const OutboundMessagePtr& message) {
        std::size_t evicted = 0;
        const RetainedUpdate result = cache_.update(message, &evicted);
        evicted_.fetch_add(evicted, std::memory_order_relaxed);
        if (result == RetainedUpdate::full) refused_.fetch_add(1, std::memory_order_relaxed);
        last_update_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
        updates_.store(cache_.updates(), std::memory_order_relaxed);
        publish_sizes();
        return result;
    }

    void publish_sizes() {
        size_.store(cache_.size(), std::memory_order_relaxed);
        bytes_.store(cache_.bytes(), std::memory_order_relaxed);
    }

    mutable std::shared_mutex mutex_;
    RetainedCache<OutboundMessagePtr> cache_;
    std::atomic<bool> resyncing_{false};
    std::atomic<Clock::rep> last_update_{0};
    std::atomic<std::uint64_t> updates_{0};
    // Written under the exclusive lock by more than one thread.
    std::atomic<std::size_t> size_{0};
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<std::uint64_t> evicted_{0};
    std::atomic<std::uint64_t> expired_{0};
    std::atomic<std::uint64_t> resynced_out_{0};
    std::atomic<std::uint64_t> refused_{0};
};

}  // namespace mqttws::ws
