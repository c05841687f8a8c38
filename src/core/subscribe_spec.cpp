#include "mqttws/subscribe_spec.hpp"

#include <algorithm>

#include "mqttws/topic_filter.hpp"

namespace mqttws {

std::string_view strip_share_prefix(std::string_view filter) {
    constexpr std::string_view share = "$share/";
    if (filter.substr(0, share.size()) != share) return filter;
    const std::size_t group_end = filter.find('/', share.size());
    if (group_end == std::string_view::npos) return {};
    return filter.substr(group_end + 1);
}

std::variant<SubscribeSpec, std::string> parse_subscribe_spec(std::string_view text) {
    SubscribeSpec spec;
    std::string_view filter = text;
    // "@QOS" is taken only as a suffix of one digit: '@' is legal inside topics.
    if (text.size() >= 2 && text[text.size() - 2] == '@' && text.back() >= '0' &&
        text.back() <= '9') {
        const char q = text.back();
        if (q > '2') return std::string("QoS must be 0, 1 or 2 in '") + std::string(text) + "'";
        spec.qos = q - '0';
        filter.remove_suffix(2);
    }
    std::string_view matched = filter;
    if (filter.substr(0, 7) == "$share/") {
        const std::size_t group_end = filter.find('/', 7);
        if (group_end == std::string_view::npos || group_end == 7) {
            return std::string("shared subscription needs $share/GROUP/FILTER: '") +
                   std::string(filter) + "'";
        }
        // MQTT 5 section 4.8.2: a ShareName is a non-empty UTF-8 string without
        // '/', '+' or '#' ('/' ends it here); U+0000 is never allowed.
        const std::string_view group = filter.substr(7, group_end - 7);
        if (group.find_first_of("+#") != std::string_view::npos) {
            return std::string("share group may not contain '+' or '#': '") + std::string(filter) +
                   "'";
        }
        if (const TopicError error = validate_topic_name(group); error != TopicError::ok) {
            return std::string("share group: ") + std::string(describe(error)) + ": '" +
                   std::string(filter) + "'";
        }
        matched = filter.substr(group_end + 1);
    }
    if (const TopicError error = validate_filter(matched); error != TopicError::ok) {
        return std::string(describe(error)) + ": '" + std::string(filter) + "'";
    }
    spec.filter = std::string(filter);
    return spec;
}

SubscriptionPlan plan_subscriptions(std::vector<SubscribeSpec> specs) {
    SubscriptionPlan plan;
    auto shared = [](const SubscribeSpec& s) { return strip_share_prefix(s.filter) != s.filter; };
    std::vector<bool> dropped(specs.size(), false);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (shared(specs[i])) continue;
        for (std::size_t j = 0; j < specs.size() && !dropped[i]; ++j) {
            if (i == j || dropped[j] || shared(specs[j])) continue;
            if (filter_covers(specs[j].filter, specs[i].filter)) {
                specs[j].qos = std::max(specs[j].qos, specs[i].qos);
                dropped[i] = true;
            }
        }
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (!dropped[i]) plan.subscriptions.push_back(std::move(specs[i]));
    }
    const auto& kept = plan.subscriptions;
    for (std::size_t i = 0; i < kept.size(); ++i) {
        for (std::size_t j = i + 1; j < kept.size(); ++j) {
            // A shared filter is never folded (its group decides who gets a message), but
            // overlapping another filter still brings such messages in twice.
            if (filters_overlap(strip_share_prefix(kept[i].filter),
                                strip_share_prefix(kept[j].filter))) {
                plan.overlaps.emplace_back(kept[i].filter, kept[j].filter);
            }
        }
    }
    return plan;
}

}  // namespace mqttws
