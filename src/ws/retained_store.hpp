// Role: replay. The retained state of the whole process: one tree of topic
// levels (RetainedCache), written by the MQTT thread alone and read by every
// shard's replays. The writer takes the lock exclusively for one update; a
// replay takes it shared for one entry at a time. Live delivery never touches
// the store, so a message's way to its subscribers takes no lock.
//
// Every retained message gets a number from the store, carried to each shard
// with the message. A shard knows the last number it has delivered (every
// retained message reaches every shard, in order); a replay it starts yields
// only entries no newer than that, because newer ones are still in its inbox
// and reach the new subscriber live.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "mqttws/retained_cache.hpp"
#include "ws/outbound_message.hpp"

namespace mqttws::ws {

class RetainedStore {
  public:
    explicit RetainedStore(std::size_t capacity) : cache_(capacity) {}

    // The MQTT thread. Returns what happened and the message's number.
    RetainedUpdate update(const OutboundMessagePtr& message, std::uint64_t& number) {
        const std::unique_lock<std::shared_mutex> lock(mutex_);
        const RetainedUpdate result = cache_.update(message);
        number = cache_.updates();
        size_.store(cache_.size(), std::memory_order_relaxed);
        return result;
    }

    // Any shard: a cursor over what `added` matches and `held` does not, of
    // the entries no newer than `through`.
    RetainedCursor replay(std::vector<std::string> added, std::vector<std::string> held,
                          std::uint64_t through) const {
        RetainedCursor cursor = cache_.replay(std::move(added), std::move(held));
        cursor.through = through;
        return cursor;
    }

    // The next entry of `cursor` (null when done), shared with the store.
    OutboundMessagePtr next(RetainedCursor& cursor) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        const OutboundMessagePtr* entry = cache_.next(cursor);
        return entry ? *entry : nullptr;
    }

    bool has_next(const RetainedCursor& cursor) const {
        const std::shared_lock<std::shared_mutex> lock(mutex_);
        return cache_.has_next(cursor);
    }

    std::size_t size() const { return size_.load(std::memory_order_relaxed); }

  private:
    mutable std::shared_mutex mutex_;
    RetainedCache<OutboundMessagePtr> cache_;
    std::atomic<std::size_t> size_{0};
};

}  // namespace mqttws::ws
