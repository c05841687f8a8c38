// A --subscribe value: FILTER[@QOS], where FILTER may be a shared
// subscription ($share/GROUP/FILTER).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mqttws {

struct SubscribeSpec {
    std::string filter;  // as sent to the broker
    int qos = 0;
};

// Either the spec or the reason it was refused.
std::variant<SubscribeSpec, std::string> parse_subscribe_spec(std::string_view text);

// "$share/group/a/b" -> "a/b"; any other filter unchanged.
std::string_view strip_share_prefix(std::string_view filter);

struct SubscriptionPlan {
    std::vector<SubscribeSpec> subscriptions;
    // Pairs of remaining filters that still share topics, shared ones compared
    // by the filter after "$share/group/": a message matching both can arrive
    // twice.
    std::vector<std::pair<std::string, std::string>> overlaps;
};

// Drops every filter another one covers (the broker would send each of its
// messages twice), keeping the higher QoS. Shared subscriptions are kept
// as they are.
SubscriptionPlan plan_subscriptions(std::vector<SubscribeSpec> specs);

}  // namespace mqttws
