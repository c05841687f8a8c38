#include "mqttws/history_store.hpp"

namespace mqttws {

std::string_view describe(RecoveryStatus status) {
    switch (status) {
        case RecoveryStatus::recovered:
            return "recovered";
        case RecoveryStatus::epoch_changed:
            return "epoch_changed";
        case RecoveryStatus::trimmed:
            return "trimmed";
        case RecoveryStatus::unknown_topic:
            return "unknown_topic";
        case RecoveryStatus::not_kept:
            return "not_kept";
    }
    return "unknown";
}

}  // namespace mqttws
