#include "mqttws/history_spec.hpp"

#include <charconv>

#include "mqttws/topic_filter.hpp"

namespace mqttws {

std::variant<HistorySpec, std::string> parse_history_spec(std::string_view text) {
    HistorySpec spec;
    std::string_view count = text;
    // A filter may not hold '=' as a level of its own meaning, but a topic
    // level may contain it: the count is what follows the last one.
    if (const auto eq = text.rfind('='); eq != std::string_view::npos) {
        const std::string_view filter = text.substr(0, eq);
        if (const TopicError error = validate_filter(filter); error != TopicError::ok) {
            return "'" + std::string(filter) + "': " + std::string(describe(error));
        }
        spec.filter = std::string(filter);
        count = text.substr(eq + 1);
    }
    const auto [end, ec] =
        std::from_chars(count.data(), count.data() + count.size(), spec.messages);
    if (count.empty() || ec != std::errc() || end != count.data() + count.size()) {
        return "'" + std::string(text) + "' is not N or FILTER=N (e.g. 100, 'sensors/#=50')";
    }
    if (spec.messages > max_history_messages) {
        return "'" + std::string(text) + "': at most " + std::to_string(max_history_messages) +
               " messages per topic";
    }
    return spec;
}

void apply_history_specs(const std::vector<std::string>& texts, HistoryLimits& limits) {
    limits.messages = 0;
    limits.filters.clear();
    for (const auto& text : texts) {
        const auto spec = std::get<HistorySpec>(parse_history_spec(text));
        if (spec.filter) {
            limits.filters.push_back({*spec.filter, spec.messages});
        } else {
            limits.messages = spec.messages;
        }
    }
}

}  // namespace mqttws
