// Role: recovery. What a subscription that passes back its positions
// ("since") is owed: every topic its filters match, from where the client
// stands (or from the start of a stream it never saw), or, when any of them
// cannot be proven complete, nothing and the reason. Never a partial answer.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mqttws/history_store.hpp"
#include "ws/history_log.hpp"
#include "ws/history_replay.hpp"

namespace mqttws::ws {

using Positions = std::vector<std::pair<std::string, StreamPosition>>;

struct RecoveryPlan {
    bool recovered = true;
    RecoveryStatus reason = RecoveryStatus::recovered;  // the first failure
    std::string topic;                                  // the topic it concerns
    std::vector<RecoveryItem> items;                    // empty unless recovered
};

// `positions`: the streams the filters match, as of the subscription (see
// HistoryLog::subscribe); `since`: what the client passed back. Topics of
// `since` no filter matches are not this subscription's business.
RecoveryPlan plan_recovery(const HistoryLog& log, const std::vector<std::string>& filters,
                           const Positions& positions, const Positions& since);

}  // namespace mqttws::ws
