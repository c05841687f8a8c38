// The last retained message of each topic, so a client that subscribes gets
// the current state first (as an MQTT subscriber would). Bounded in topics.
//
// Replay is a cursor, not a copy: a new subscriber walks the cache in topic
// order as its socket drains, one entry at a time. Every update is numbered;
// a cursor yields only entries no newer than its start, so a topic updated
// while the replay runs is skipped there and reaches the client once, as the
// live message that updated it (queued behind the replay).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mqttws/topic_filter.hpp"

namespace mqttws {

enum class RetainedUpdate { stored, deleted, full, not_retained };

// Where a replay stands: the filters it serves and the last topic it passed.
struct RetainedCursor {
    std::vector<std::string> added;  // yield entries matching one of these
    std::vector<std::string> held;   // and none of these (already seen by the client)
    std::uint64_t through = 0;       // the cache's update number when the replay began
    std::string after;               // the last topic yielded
    bool started = false;
    bool done = false;
};

// `Entry` is what a shard keeps per message (it must expose message()).
template <typename Entry>
class RetainedCache {
  public:
    explicit RetainedCache(std::size_t capacity) : capacity_(capacity) {}

    // A retained message replaces its topic's entry; an empty retained
    // payload deletes it, as MQTT does.
    RetainedUpdate update(const Entry& entry) {
        const auto& msg = entry->message();
        if (!msg.retain || msg.target_session) return RetainedUpdate::not_retained;
        ++updates_;
        if (msg.payload.empty()) {
            entries_.erase(msg.topic);
            return RetainedUpdate::deleted;
        }
        const auto it = entries_.find(msg.topic);
        if (it != entries_.end()) {
            it->second = Slot{entry, updates_};
            return RetainedUpdate::stored;
        }
        if (entries_.size() >= capacity_) return RetainedUpdate::full;
        entries_.emplace(msg.topic, Slot{entry, updates_});
        return RetainedUpdate::stored;
    }

    // A cursor over what `added` matches and `held` does not, as of now.
    RetainedCursor replay(std::vector<std::string> added, std::vector<std::string> held) const {
        return RetainedCursor{std::move(added), std::move(held), updates_, {}, false, false};
    }

    // The next entry for `cursor`, or null when it is done. Entries are
    // shared: the pointer is valid until the next update().
    const Entry* next(RetainedCursor& cursor) const {
        if (cursor.done) return nullptr;
        auto it = find(cursor);
        cursor.started = true;
        if (it == entries_.end()) {
            cursor.done = true;
            return nullptr;
        }
        cursor.after = it->first;
        return &it->second.entry;
    }

    // Whether next(cursor) would yield anything (a replay worth queueing).
    bool has_next(const RetainedCursor& cursor) const {
        return !cursor.done && find(cursor) != entries_.end();
    }

    // The client no longer holds these filters: the cursor stops serving them.
    static void drop_filters(RetainedCursor& cursor, const std::vector<std::string>& filters) {
        for (const auto& filter : filters) {
            cursor.added.erase(std::remove(cursor.added.begin(), cursor.added.end(), filter),
                               cursor.added.end());
        }
    }

    std::size_t size() const { return entries_.size(); }

  private:
    struct Slot {
        Entry entry;
        std::uint64_t update = 0;
    };

    using Entries = std::map<std::string, Slot, std::less<>>;

    typename Entries::const_iterator find(const RetainedCursor& cursor) const {
        auto it = cursor.started ? entries_.upper_bound(cursor.after) : entries_.begin();
        for (; it != entries_.end(); ++it) {
            const auto& [topic, slot] = *it;
            if (slot.update > cursor.through) continue;  // newer: it arrives live
            if (matches_any(cursor.added, topic) && !matches_any(cursor.held, topic)) break;
        }
        return it;
    }

    static bool matches_any(const std::vector<std::string>& filters, const std::string& topic) {
        for (const auto& filter : filters) {
            if (topic_matches(filter, topic)) return true;
        }
        return false;
    }

    std::size_t capacity_;
    std::uint64_t updates_ = 0;
    Entries entries_;
};

}  // namespace mqttws
