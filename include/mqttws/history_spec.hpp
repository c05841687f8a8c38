// A --history value: "N" (every topic keeps its last N messages) or
// "FILTER=N" (topics FILTER matches keep N; among these, the first given that
// matches a topic decides).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mqttws/history_store.hpp"

namespace mqttws {

// The most one topic may keep: recovery is for a client that was away a
// while, not a message log.
inline constexpr std::size_t max_history_messages = 100000;

struct HistorySpec {
    std::optional<std::string> filter;  // none: the default for every topic
    std::size_t messages = 0;
};

// Either the spec or the reason it was refused.
std::variant<HistorySpec, std::string> parse_history_spec(std::string_view text);

// Every --history value, in order, into the store's limits (the ttl and the
// byte bound are left as they are). The values must have parsed.
void apply_history_specs(const std::vector<std::string>& texts, HistoryLimits& limits);

}  // namespace mqttws
