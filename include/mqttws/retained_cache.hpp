// The last retained message of each topic, so a client that subscribes gets
// the current state first (as an MQTT subscriber would). Bounded in topics.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "mqttws/topic_filter.hpp"

namespace mqttws {

enum class RetainedUpdate { stored, deleted, full, not_retained };

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
        if (msg.payload.empty()) {
            entries_.erase(msg.topic);
            return RetainedUpdate::deleted;
        }
        const auto it = entries_.find(msg.topic);
        if (it != entries_.end()) {
            it->second = entry;
            return RetainedUpdate::stored;
        }
        if (entries_.size() >= capacity_) return RetainedUpdate::full;
        entries_.emplace(msg.topic, entry);
        return RetainedUpdate::stored;
    }

    // Entries matching at least one of `added` and none of `held` (a client
    // already holding a matching filter has seen them).
    void collect(const std::vector<std::string>& added, const std::vector<std::string>& held,
                 std::vector<Entry>& out) const {
        out.clear();
        for (const auto& [topic, entry] : entries_) {
            if (matches_any(added, topic) && !matches_any(held, topic)) out.push_back(entry);
        }
    }

    std::size_t size() const { return entries_.size(); }

  private:
    static bool matches_any(const std::vector<std::string>& filters, const std::string& topic) {
        for (const auto& filter : filters) {
            if (topic_matches(filter, topic)) return true;
        }
        return false;
    }

    std::size_t capacity_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mqttws
