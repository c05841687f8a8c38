// The recent messages of each topic, so a client that comes back can be given
// exactly what it missed (--history). Each topic has a stream: an epoch, drawn
// at random when the stream starts, and an offset that grows by one per
// message. A client that knows {offset, epoch} of the last message it saw on a
// topic can be told, with certainty, either "here is everything after it" or
// "that cannot be proven": never a silent partial answer.
//
// Bounds: per topic a count (the first --history filter that matches the
// topic decides, then the default), a time to live, and one byte bound for the
// whole store. Every removal takes a stream's oldest message, so a stream's
// messages are always a contiguous run of offsets, and finding an offset is
// arithmetic. A stream whose messages are all gone keeps its epoch and next
// offset (a few dozen bytes, counted like the rest): a client on a quiet topic
// can still be told it missed nothing. Under the byte bound such idle streams
// go first (they are older than any kept message), then the oldest messages.
//
// Every stored message also gets a store-wide sequence number. A reader that
// starts a recovery notes sequence() and yields only messages up to it; newer
// ones reach the client live, and the reader drops a live copy whose number is
// not above it, so a message is never lost or sent twice in between.
//
// Not thread-safe: one writer (the MQTT thread) and readers under a lock the
// owner holds.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mqttws/kept_message_cost.hpp"
#include "mqttws/topic_filter.hpp"

namespace mqttws {

// Where a client stands in one topic's stream.
struct StreamPosition {
    std::uint64_t offset = 0;  // the last message seen (0: none yet)
    std::uint64_t epoch = 0;
    bool operator==(const StreamPosition& other) const {
        return offset == other.offset && epoch == other.epoch;
    }
};

// One --history filter: topics it matches keep this many messages.
struct HistoryFilter {
    std::string filter;
    std::size_t messages = 0;
};

struct HistoryLimits {
    std::size_t messages = 0;  // per topic no filter names (0: none kept)
    std::vector<HistoryFilter> filters;
    std::chrono::milliseconds ttl = std::chrono::minutes(5);  // 0: no time limit
    std::uint64_t max_bytes = 64ull << 20;
};

// What a stream counts besides its topic, kept while it exists (its map
// entries and its queue's first block).
inline constexpr std::uint64_t history_stream_overhead = 512;

// Why a recovery could or could not be given.
enum class RecoveryStatus {
    recovered,      // everything after the position is kept (possibly nothing)
    epoch_changed,  // the stream restarted: offsets of the old epoch mean nothing here
    trimmed,        // some messages after the position are no longer kept
    unknown_topic,  // no stream for this topic
    not_kept,       // --history keeps nothing for this topic
};

std::string_view describe(RecoveryStatus status);

// The stamp a stored message carries to its clients.
struct HistoryStamp {
    StreamPosition position;
    std::uint64_t sequence = 0;
};

struct HistoryCounters {
    std::uint64_t stored = 0;
    std::uint64_t trimmed = 0;  // over a topic's count
    std::uint64_t expired = 0;  // past the time to live
    std::uint64_t evicted = 0;  // over the byte bound
    std::uint64_t streams_evicted = 0;
};

// `Entry` is what the owner keeps per message (it must expose message() with
// `topic` and `payload`, like the retained cache's entries).
template <typename Entry>
class HistoryStore {
  public:
    using Clock = std::chrono::steady_clock;

    // `epoch_seed` starts the epochs (random per process: the caller draws it).
    HistoryStore(HistoryLimits limits, std::uint64_t epoch_seed)
        : limits_(std::move(limits)), epoch_state_(epoch_seed) {}

    // Whether any topic keeps history at all.
    bool enabled() const {
        if (limits_.messages > 0) return true;
        for (const auto& f : limits_.filters) {
            if (f.messages > 0) return true;
        }
        return false;
    }

    // How many messages `topic` keeps.
    std::size_t capacity(std::string_view topic) const {
        for (const auto& f : limits_.filters) {
            if (topic_matches(f.filter, topic)) return f.messages;
        }
        return limits_.messages;
    }

    // Stores a message received at `now`; its stamp, or nothing when its
    // topic keeps no history.
    std::optional<HistoryStamp> append(const Entry& entry, Clock::time_point now) {
        const auto& msg = entry->message();
        const std::size_t keep = capacity(msg.topic);
        if (keep == 0) return std::nullopt;
        auto [it, created] = streams_.try_emplace(msg.topic);
        Stream& stream = it->second;
        if (created) {
            stream.topic = &it->first;
            topics_.emplace(it->first, &stream);
            stream.epoch = next_epoch();
            bytes_ += stream_bytes(stream);
        } else if (stream.idle) {
            idle_.erase(*stream.idle);
            stream.idle.reset();
        }
        const std::uint64_t bytes = kept_message_bytes(msg.payload.size(), msg.topic.size());
        const HistoryStamp stamp{{stream.next_offset++, stream.epoch}, ++sequence_};
        stream.items.push_back(Item{entry, stamp.sequence, now, bytes});
        bytes_ += bytes;
        ++messages_;
        order_.push_back(Ref{&stream, stamp.sequence, now});
        ++stream.refs;
        bytes_ += sizeof(Ref);
        ++counters_.stored;
        while (stream.items.size() > keep) {
            drop_front(stream);
            ++counters_.trimmed;
        }
        enforce_bytes();
        return stamp;
    }

    // Drops what has outlived the time to live by `now`.
    void expire(Clock::time_point now) {
        if (limits_.ttl.count() <= 0) return;
        while (!order_.empty() && order_.front().arrival + limits_.ttl <= now) {
            if (pop_order()) ++counters_.expired;
        }
    }

    // The stream's position now: the last offset given out, and the epoch.
    std::optional<StreamPosition> position(const std::string& topic) const {
        const auto it = streams_.find(topic);
        if (it == streams_.end()) return std::nullopt;
        return StreamPosition{it->second.next_offset - 1, it->second.epoch};
    }

    // Every stream `filter` matches, with its position (for a subscription's
    // answer), in topic order. Only topics that start with the filter's
    // literal part are looked at: a device's own `devices/42/#` must not cost
    // a walk over every other device's streams.
    template <typename Visit>
    void for_each_position(std::string_view filter, Visit&& visit) const {
        const auto visit_if_matched = [&](const Stream& stream) {
            if (!topic_matches(filter, *stream.topic)) return;
            visit(*stream.topic, StreamPosition{stream.next_offset - 1, stream.epoch});
        };
        const std::string_view literal = filter.substr(0, filter.find_first_of("+#"));
        // `a/#` also matches `a`, which sorts before every `a/...`.
        if (literal.size() > 1 && literal.size() < filter.size() && literal.back() == '/' &&
            filter[literal.size()] == '#') {
            const auto parent = topics_.find(literal.substr(0, literal.size() - 1));
            if (parent != topics_.end()) visit_if_matched(*parent->second);
        }
        for (auto it = topics_.lower_bound(literal);
             it != topics_.end() && it->first.substr(0, literal.size()) == literal; ++it) {
            visit_if_matched(*it->second);
        }
    }

    // Whether everything after `since` on `topic` is kept.
    RecoveryStatus check(const std::string& topic, const StreamPosition& since) const {
        if (capacity(topic) == 0) return RecoveryStatus::not_kept;
        const auto it = streams_.find(topic);
        if (it == streams_.end()) return RecoveryStatus::unknown_topic;
        const Stream& stream = it->second;
        if (stream.epoch != since.epoch) return RecoveryStatus::epoch_changed;
        // A position ahead of the stream is one this store never gave out.
        if (since.offset >= stream.next_offset) return RecoveryStatus::epoch_changed;
        return since.offset + 1 >= first_offset(stream) ? RecoveryStatus::recovered
                                                        : RecoveryStatus::trimmed;
    }

    // For a topic the client has no position on: whether the stream still
    // holds every message since it started (so all of it can be given).
    RecoveryStatus check_from_start(const std::string& topic) const {
        if (capacity(topic) == 0) return RecoveryStatus::not_kept;
        const auto it = streams_.find(topic);
        if (it == streams_.end()) return RecoveryStatus::unknown_topic;
        return first_offset(it->second) == 1 ? RecoveryStatus::recovered : RecoveryStatus::trimmed;
    }

    // The kept message after `offset` on `topic` with a sequence number up to
    // `through`, or null. Valid until the next append() or expire().
    const Entry* next(const std::string& topic, std::uint64_t offset, std::uint64_t through,
                      HistoryStamp* stamp = nullptr) const {
        const auto it = streams_.find(topic);
        if (it == streams_.end()) return nullptr;
        const Stream& stream = it->second;
        const std::uint64_t first = first_offset(stream);
        const std::uint64_t want = std::max(offset + 1, first);
        if (want >= stream.next_offset) return nullptr;
        const Item& item = stream.items[want - first];
        if (item.sequence > through) return nullptr;
        if (stamp) *stamp = HistoryStamp{{want, stream.epoch}, item.sequence};
        return &item.entry;
    }

    // The last sequence number given out: a recovery yields nothing newer.
    std::uint64_t sequence() const { return sequence_; }
    std::uint64_t bytes() const { return bytes_; }
    std::size_t streams() const { return streams_.size(); }
    std::size_t messages() const { return messages_; }
    const HistoryCounters& counters() const { return counters_; }

  private:
    struct Stream;
    struct Item {
        Entry entry;
        std::uint64_t sequence = 0;
        Clock::time_point arrival;
        std::uint64_t bytes = 0;
    };
    // A message in arrival order across streams. Trimming a topic leaves its
    // Ref behind; it is passed over when it reaches the front.
    struct Ref {
        Stream* stream = nullptr;
        std::uint64_t sequence = 0;
        Clock::time_point arrival;
    };
    struct Stream {
        const std::string* topic = nullptr;  // the map's key
        std::uint64_t epoch = 0;
        std::uint64_t next_offset = 1;
        std::deque<Item> items;
        std::size_t refs = 0;  // Refs in order_ that point here
        std::optional<typename std::list<Stream*>::iterator> idle;
    };

    static std::uint64_t stream_bytes(const Stream& stream) {
        return stream.topic->size() + history_stream_overhead;
    }

    static std::uint64_t first_offset(const Stream& stream) {
        return stream.next_offset - stream.items.size();
    }

    // splitmix64: epochs differ between streams and, seeded per process,
    // between processes. Never 0, which a client sends for "no epoch".
    std::uint64_t next_epoch() {
        std::uint64_t z = (epoch_state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        return z == 0 ? 1 : z;
    }

    void drop_front(Stream& stream) {
        bytes_ -= stream.items.front().bytes;
        stream.items.pop_front();
        --messages_;
        settle(stream);
    }

    // Removes the oldest Ref, and its message if the stream still holds it.
    // True when a message went.
    bool pop_order() {
        const Ref ref = order_.front();
        order_.pop_front();
        bytes_ -= sizeof(Ref);
        Stream& stream = *ref.stream;
        --stream.refs;
        const bool held = !stream.items.empty() && stream.items.front().sequence == ref.sequence;
        if (held) {
            drop_front(stream);
        } else {
            settle(stream);
        }
        return held;
    }

    // A stream with no messages and no Refs left is idle: it keeps only its
    // epoch and next offset, and is the first to go under the byte bound.
    void settle(Stream& stream) {
        if (stream.items.empty() && stream.refs == 0 && !stream.idle) {
            stream.idle = idle_.insert(idle_.end(), &stream);
        }
    }

    // Idle streams first (older than any kept message), then the oldest
    // messages, whose streams may go idle in turn.
    void enforce_bytes() {
        while (bytes_ > limits_.max_bytes) {
            if (!idle_.empty()) {
                Stream* stream = idle_.front();
                idle_.pop_front();
                bytes_ -= stream_bytes(*stream);
                topics_.erase(*stream->topic);
                streams_.erase(streams_.find(*stream->topic));
                ++counters_.streams_evicted;
            } else if (!order_.empty()) {
                if (pop_order()) ++counters_.evicted;
            } else {
                return;
            }
        }
    }

    HistoryLimits limits_;
    std::uint64_t epoch_state_;
    std::unordered_map<std::string, Stream> streams_;
    // streams_, sorted by topic (the unordered map's nodes stay in place).
    std::map<std::string_view, const Stream*, std::less<>> topics_;
    std::deque<Ref> order_;
    std::list<Stream*> idle_;  // oldest idle first
    std::uint64_t sequence_ = 0;
    std::uint64_t bytes_ = 0;
    std::size_t messages_ = 0;
    HistoryCounters counters_;
};

}  // namespace mqttws
