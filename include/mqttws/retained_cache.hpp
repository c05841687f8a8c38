// The last retained message of each topic, so a client that subscribes gets
// the current state first (as an MQTT subscriber would). Bounded in topics and
// in bytes: past either bound the least recently updated topic goes first.
// Messages with an expiry interval go when it runs out, and a resync (after
// the broker link came back) drops every topic the broker did not send again.
//
// A tree of topic levels (after mosquitto's retain.c): a replay walks only the
// branches its filters can match, so its cost follows what matches, not the
// size of the cache (a literal level is looked up, a wildcard level visits the
// children there).
//
// Replay is a cursor, not a copy: a new subscriber walks the tree in topic
// order (each topic's levels compared one by one; a topic before the topics
// below it) as its socket drains, one entry at a time, and can resume after
// any change to the tree. Every update is numbered; a cursor yields only
// entries no newer than its start, so a topic updated while the replay runs is
// skipped there and reaches the client once, as the live message that updated
// it (queued behind the replay).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "mqttws/kept_message_cost.hpp"
#include "mqttws/topic_filter.hpp"
#include "mqttws/topic_levels.hpp"

namespace mqttws {

enum class RetainedUpdate {
    stored,
    deleted,
    full,  // bigger than the whole byte bound: not kept
    not_retained,
};

struct RetainedLimits {
    std::size_t max_entries = 10000;
    std::uint64_t max_bytes = UINT64_MAX;
};

// What one entry counts against the byte bound: the kept message, and the
// tree nodes of its topic's levels.
inline constexpr std::uint64_t retained_node_overhead = 384;

// Where a replay stands: the filters it serves and the last topic it passed.
struct RetainedCursor {
    using Levels = std::vector<std::string>;
    std::vector<Levels> added;  // yield entries matching one of these filters (split)
    std::vector<Levels> held;   // and none of these (already seen by the client)
    std::uint64_t through = 0;  // the cache's update number when the replay began
    Levels after;               // the levels of the last topic yielded
    bool started = false;
    bool done = false;
};

// `Entry` is what a shard keeps per message (it must expose message()).
template <typename Entry>
class RetainedCache {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RetainedCache(std::size_t max_entries) : RetainedCache(RetainedLimits{max_entries}) {}
    explicit RetainedCache(RetainedLimits limits) : limits_(limits) {}

    // A retained message replaces its topic's entry; an empty retained
    // payload deletes it, as MQTT does. `evicted` counts the topics that went
    // to make room.
    RetainedUpdate update(const Entry& entry, std::size_t* evicted = nullptr) {
        const auto& msg = entry->message();
        if (!msg.retain || msg.target_session) return RetainedUpdate::not_retained;
        ++updates_;
        const TopicLevels levels(msg.topic);
        if (msg.payload.empty()) {
            erase(levels);
            return RetainedUpdate::deleted;
        }
        const std::uint64_t bytes =
            kept_message_bytes(msg.payload.size(), msg.topic.size()) + retained_node_overhead;
        if (bytes > limits_.max_bytes || limits_.max_entries == 0) {
            erase(levels);  // an older, smaller message of this topic is no longer current
            return RetainedUpdate::full;
        }
        Node* node = find(levels);
        if (node && node->slot) {
            bytes_ -= node->slot->bytes;
            lru_.erase(node->slot->lru);
        } else {
            node = &root_;
            for (std::size_t i = 0; i < levels.size(); ++i) {
                auto& child = node->children[std::string(levels[i])];
                if (!child) child = std::make_unique<Node>();
                node = child.get();
            }
            ++size_;
        }
        node->slot = Slot{entry, updates_, generation_, bytes, lru_.insert(lru_.end(), node)};
        bytes_ += bytes;
        if (msg.message_expiry_interval) {
            expiries_.push(Expiry{msg.arrival + std::chrono::seconds(*msg.message_expiry_interval),
                                  updates_, msg.topic});
        }
        // Make room, oldest first. The newest entry stays: it fits alone.
        std::size_t gone = 0;
        while (size_ > limits_.max_entries || bytes_ > limits_.max_bytes) {
            erase(TopicLevels(lru_.front()->slot->entry->message().topic));
            ++gone;
        }
        if (evicted) *evicted = gone;
        return RetainedUpdate::stored;
    }

    // Drops the messages whose expiry interval has run out by `now`.
    std::size_t expire(Clock::time_point now) {
        std::size_t gone = 0;
        while (!expiries_.empty() && expiries_.top().deadline <= now) {
            const Expiry expiry = expiries_.top();
            expiries_.pop();
            const TopicLevels levels(expiry.topic);
            const Node* node = find(levels);
            // Only if the entry is still the message that expires.
            if (node && node->slot && node->slot->update == expiry.update) {
                erase(levels);
                ++gone;
            }
        }
        return gone;
    }

    // A resync: from now on every update marks its topic as confirmed by the
    // broker; end_resync() drops the topics that were not.
    void begin_resync() { ++generation_; }
    std::size_t end_resync() {
        std::vector<std::string> stale;
        for (const Node* node : lru_) {
            if (node->slot->generation < generation_) {
                stale.push_back(node->slot->entry->message().topic);
            }
        }
        for (const auto& topic : stale) erase(TopicLevels(topic));
        return stale.size();
    }

    // A cursor over what `added` matches and `held` does not, as of now.
    RetainedCursor replay(const std::vector<std::string>& added,
                          const std::vector<std::string>& held) const {
        RetainedCursor cursor;
        for (const auto& filter : added) cursor.added.push_back(split(filter));
        for (const auto& filter : held) cursor.held.push_back(split(filter));
        cursor.through = updates_;
        return cursor;
    }

    // The next entry for `cursor`, or null when it is done. Entries are
    // shared: the pointer is valid until the next update().
    const Entry* next(RetainedCursor& cursor) const {
        std::vector<const Entry*> one;
        next_batch(cursor, one, 1);
        return one.empty() ? nullptr : one.front();
    }

    // Up to `max` next entries for `cursor` in one walk (replaces `out`;
    // fewer means the cursor is done). One descent of the tree serves them
    // all, which is what makes a replay of many entries cheap.
    void next_batch(RetainedCursor& cursor, std::vector<const Entry*>& out, std::size_t max) const {
        out.clear();
        if (cursor.done || cursor.added.empty()) {
            cursor.done = true;
            return;
        }
        Walk walk{cursor, {}, &out, max, {}};
        visit(walk, root_, cursor.started);
        cursor.started = true;
        if (out.size() < max) cursor.done = true;
        if (!out.empty()) cursor.after = std::move(walk.last);
    }

    // Whether next(cursor) would yield anything (a replay worth queueing).
    bool has_next(const RetainedCursor& cursor) const {
        if (cursor.done || cursor.added.empty()) return false;
        std::vector<const Entry*> one;
        Walk walk{cursor, {}, &one, 1, {}};
        visit(walk, root_, cursor.started);
        return !one.empty();
    }

    // The client no longer holds these filters: the cursor stops serving them.
    static void drop_filters(RetainedCursor& cursor, const std::vector<std::string>& filters) {
        for (const auto& filter : filters) {
            const RetainedCursor::Levels levels = split(filter);
            cursor.added.erase(std::remove(cursor.added.begin(), cursor.added.end(), levels),
                               cursor.added.end());
        }
    }

    std::size_t size() const { return size_; }
    std::uint64_t bytes() const { return bytes_; }
    // How many retained messages update() has taken (stored, deleted or not).
    std::uint64_t updates() const { return updates_; }

  private:
    struct Node;
    struct Slot {
        Entry entry;
        std::uint64_t update = 0;
        std::uint64_t generation = 0;
        std::uint64_t bytes = 0;
        typename std::list<Node*>::iterator lru;  // in update order, oldest first
    };
    struct Node {
        std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
        std::optional<Slot> slot;
    };
    struct Expiry {
        Clock::time_point deadline;
        std::uint64_t update = 0;
        std::string topic;
        bool operator>(const Expiry& other) const { return deadline > other.deadline; }
    };

    // One walk: the cursor, the path so far, what it found (up to `max`)
    // and the levels of the last entry found.
    struct Walk {
        const RetainedCursor& cursor;
        std::vector<std::string_view> path;
        std::vector<const Entry*>* found;
        std::size_t max;
        RetainedCursor::Levels last;
    };

    static RetainedCursor::Levels split(const std::string& filter) {
        const TopicLevels levels(filter);
        RetainedCursor::Levels out;
        for (std::size_t i = 0; i < levels.size(); ++i) out.emplace_back(levels[i]);
        return out;
    }

    Node* find(const TopicLevels& levels) {
        Node* node = &root_;
        for (std::size_t i = 0; i < levels.size() && node; ++i) {
            const auto it = node->children.find(levels[i]);
            node = it == node->children.end() ? nullptr : it->second.get();
        }
        return node;
    }

    void erase(const TopicLevels& levels) {
        std::vector<std::pair<Node*, std::string_view>> path;
        Node* node = &root_;
        for (std::size_t i = 0; i < levels.size(); ++i) {
            const auto it = node->children.find(levels[i]);
            if (it == node->children.end()) return;
            path.emplace_back(node, it->first);
            node = it->second.get();
        }
        if (!node->slot) return;
        bytes_ -= node->slot->bytes;
        lru_.erase(node->slot->lru);
        node->slot.reset();
        --size_;
        // Prune the branch left empty, bottom up.
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            const auto child = it->first->children.find(it->second);
            if (child->second->slot || !child->second->children.empty()) break;
            it->first->children.erase(child);
        }
    }

    static bool dollar(const std::vector<std::string_view>& path) {
        return !path.empty() && !path[0].empty() && path[0][0] == '$';
    }

    // Whether `filter` can match a topic whose first levels are `path`.
    static bool compatible(const RetainedCursor::Levels& filter,
                           const std::vector<std::string_view>& path) {
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (i >= filter.size()) return false;
            if (filter[i] == "#") return !(i == 0 && dollar(path));
            if (filter[i] == "+") {
                if (i == 0 && dollar(path)) return false;
                continue;
            }
            if (filter[i] != path[i]) return false;
        }
        return true;
    }

    // Whether `filter` matches the topic whose levels are `path` (MQTT 5
    // §4.7: '#' also matches its parent level; no wildcard at the first level
    // matches a '$' topic).
    static bool matches(const RetainedCursor::Levels& filter,
                        const std::vector<std::string_view>& path) {
        for (std::size_t i = 0; i < filter.size(); ++i) {
            if (filter[i] == "#") return !(i == 0 && dollar(path));
            if (i >= path.size()) return false;
            if (filter[i] == "+") {
                if (i == 0 && dollar(path)) return false;
                continue;
            }
            if (filter[i] != path[i]) return false;
        }
        return filter.size() == path.size();
    }

    static bool matches_any(const std::vector<RetainedCursor::Levels>& filters,
                            const std::vector<std::string_view>& path) {
        for (const auto& filter : filters) {
            if (matches(filter, path)) return true;
        }
        return false;
    }

    // Depth-first in topic order from `node` (whose path is walk.path).
    // `bound`: walk.path is a prefix of the cursor's `after`, so only what
    // comes after that topic may be yielded.
    // True once walk.found is full.
    bool visit(Walk& walk, const Node& node, bool bound) const {
        const std::size_t depth = walk.path.size();
        if (node.slot && !bound && depth > 0 && accept(walk, *node.slot)) return true;
        // Which children can hold matches: all of them under a wildcard,
        // otherwise only those the compatible filters name.
        bool any_child = false;
        // Literal levels the filters name here; few (one per filter).
        std::string_view named_inline[4];
        std::vector<std::string_view> named_more;
        std::size_t named_count = 0;
        auto name = [&](std::string_view key) {
            if (named_count < 4) {
                named_inline[named_count] = key;
            } else {
                named_more.push_back(key);
            }
            ++named_count;
        };
        for (const auto& filter : walk.cursor.added) {
            if (!compatible(filter, walk.path)) continue;
            const bool hash_above =
                std::find(filter.begin(), filter.begin() + std::min(depth, filter.size()), "#") !=
                filter.begin() + std::min(depth, filter.size());
            if (hash_above) {
                any_child = true;
            } else if (depth < filter.size()) {
                if (filter[depth] == "+" || filter[depth] == "#") {
                    any_child = true;
                } else {
                    name(filter[depth]);
                }
            }
        }
        const RetainedCursor::Levels& after = walk.cursor.after;
        const bool within_after = bound && depth < after.size();
        const std::string_view from = within_after ? std::string_view(after[depth]) : "";
        auto descend = [&](const std::string& key, const Node& child) {
            const bool child_bound = within_after && key == from;
            walk.path.push_back(key);
            const bool full = visit(walk, child, child_bound);
            walk.path.pop_back();
            return full;
        };
        if (any_child) {
            auto it = within_after ? node.children.lower_bound(from) : node.children.begin();
            for (; it != node.children.end(); ++it) {
                if (descend(it->first, *it->second)) return true;
            }
            return false;
        }
        std::vector<std::string_view> named(named_inline,
                                            named_inline + std::min<std::size_t>(named_count, 4));
        named.insert(named.end(), named_more.begin(), named_more.end());
        std::sort(named.begin(), named.end());
        named.erase(std::unique(named.begin(), named.end()), named.end());
        for (const std::string_view key : named) {
            if (within_after && key < from) continue;
            const auto it = node.children.find(key);
            if (it == node.children.end()) continue;
            if (descend(it->first, *it->second)) return true;
        }
        return false;
    }

    // Takes the entry if the cursor wants it; true once walk.found is full.
    bool accept(Walk& walk, const Slot& slot) const {
        if (slot.update > walk.cursor.through) return false;  // newer: it arrives live
        if (!matches_any(walk.cursor.added, walk.path) ||
            matches_any(walk.cursor.held, walk.path)) {
            return false;
        }
        walk.found->push_back(&slot.entry);
        if (walk.found->size() < walk.max) return false;
        walk.last.assign(walk.path.begin(), walk.path.end());
        return true;
    }

    RetainedLimits limits_;
    std::uint64_t updates_ = 0;
    std::uint64_t generation_ = 0;
    std::size_t size_ = 0;
    std::uint64_t bytes_ = 0;
    std::list<Node*> lru_;
    std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiries_;
    Node root_;
};

}  // namespace mqttws
