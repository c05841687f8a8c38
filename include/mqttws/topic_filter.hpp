// MQTT topic names and topic filters: validation and matching (MQTT 5.0 section 4.7).
#pragma once

#include <cstddef>
#include <string_view>

namespace mqttws {

// Why a filter or topic name was refused. `ok` means it is valid.
enum class TopicError {
    ok,
    empty,
    too_long,         // over max_topic_bytes
    too_many_levels,  // over max_topic_levels
    null_character,   // U+0000 is forbidden by the spec
    invalid_utf8,
    misplaced_hash,    // '#' must be the whole last level
    misplaced_plus,    // '+' must be a whole level
    wildcard_in_topic  // topic names (publish) may not contain '+' or '#'
};

// The spec allows 65535 bytes; the bridge refuses deeper or longer input
// to bound the trie and the work per message.
inline constexpr std::size_t max_topic_bytes = 65535;
inline constexpr std::size_t max_topic_levels = 128;

// Human-readable reason, suitable for an HTTP 400 body or an error frame.
std::string_view describe(TopicError error);

TopicError validate_filter(std::string_view filter);
TopicError validate_topic_name(std::string_view topic);

// True when `topic` (a valid topic name) matches `filter` (a valid filter).
// Wildcards at the first level never match topics that start with '$'.
bool topic_matches(std::string_view filter, std::string_view topic);

// True when every topic matched by `specific` is matched by `general`
// (both valid filters).
bool filter_covers(std::string_view general, std::string_view specific);

// True when some topic is matched by both filters.
bool filters_overlap(std::string_view a, std::string_view b);

}  // namespace mqttws
