// Which topics a shard's subscribers could want, readable from any thread:
// the MQTT thread asks it before waking a shard, so a shard whose clients
// cannot match a message never hears of it. It may answer yes for a topic no
// filter matches (hash buckets are shared), never no for one that a filter
// does match.
//
// A filter is counted once, by its most specific literal prefix:
//   - first level '+' or '#'            -> the root count (matches anything but '$' topics)
//   - one literal level, then '+', '#' or nothing -> the bucket of level 1
//   - two literal levels                -> the bucket of "level1/level2"
// A topic may match iff the root count (unless it starts with '$'), the
// bucket of its first level or the bucket of its first two levels is non-zero.
//
// One writer (the shard's thread) adds and removes filters; readers only load.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqttws/topic_levels.hpp"

namespace mqttws {

class InterestFilter {
  public:
    static constexpr std::size_t bucket_count = 1024;

    // `filter` must be valid. Counted as often as it is added.
    void add(std::string_view filter) { change(filter, +1); }
    void remove(std::string_view filter) { change(filter, -1); }

    bool may_match(const TopicLevels& topic) const;

  private:
    using Count = std::atomic<std::uint32_t>;

    void change(std::string_view filter, int by);
    static void bump(Count& count, int by) {
        count.store(count.load(std::memory_order_relaxed) + static_cast<std::uint32_t>(by),
                    std::memory_order_release);
    }
    static std::size_t bucket(std::string_view prefix);

    Count root_{0};
    std::array<Count, bucket_count> first_{};
    std::array<Count, bucket_count> first_two_{};
};

}  // namespace mqttws
