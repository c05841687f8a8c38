// Role: recovery (see recovery.hpp).
#include "ws/recovery.hpp"

#include <algorithm>
#include <unordered_map>

#include "mqttws/topic_filter.hpp"

namespace mqttws::ws {

RecoveryPlan plan_recovery(const HistoryLog& log, const std::vector<std::string>& filters,
                           const Positions& positions, const Positions& since) {
    RecoveryPlan plan;
    const auto fail = [&](RecoveryStatus status, const std::string& topic) {
        if (!plan.recovered) return;
        plan.recovered = false;
        plan.reason = status;
        plan.topic = topic;
    };
    const auto covered = [&](const std::string& topic) {
        return std::any_of(filters.begin(), filters.end(),
                           [&](const std::string& f) { return topic_matches(f, topic); });
    };
    std::unordered_map<std::string, StreamPosition> seen;
    for (const auto& [topic, position] : since) {
        if (covered(topic)) seen[topic] = position;
    }
    for (const auto& [topic, now] : positions) {
        const auto it = seen.find(topic);
        if (it == seen.end()) {
            // A stream the client never saw started after its last answer:
            // all of it is owed, so all of it must still be kept.
            const RecoveryStatus status = log.check_from_start(topic);
            if (status != RecoveryStatus::recovered) {
                fail(status, topic);
            } else if (now.offset > 0) {
                plan.items.push_back({topic, 0});
            }
            continue;
        }
        const RecoveryStatus status = log.check(topic, it->second);
        if (status != RecoveryStatus::recovered) {
            fail(status, topic);
        } else if (now.offset > it->second.offset) {
            plan.items.push_back({topic, it->second.offset});
        }
        seen.erase(it);
    }
    // Positions on topics the history no longer has a stream for.
    for (const auto& [topic, position] : seen) {
        fail(log.check(topic, position), topic);
    }
    if (!plan.recovered) plan.items.clear();
    return plan;
}

}  // namespace mqttws::ws
