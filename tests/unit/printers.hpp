// Readable gtest output for the core's enums (found by ADL in mqttws).
#pragma once

#include <ostream>

#include "mqttws/topic_filter.hpp"

namespace mqttws {

inline void PrintTo(TopicError error, std::ostream* os) {
    *os << "TopicError(" << static_cast<int>(error) << ": " << describe(error) << ")";
}

}  // namespace mqttws
