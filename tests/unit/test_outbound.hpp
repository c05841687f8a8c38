// What a shard keeps per message, reduced to what the core's stores read:
// anything exposing message().
#pragma once

#include <memory>

#include "mqttws/message.hpp"

namespace mqttws {

struct TestOutbound {
    Message msg;
    const Message& message() const { return msg; }
};
using TestEntry = std::shared_ptr<const TestOutbound>;

}  // namespace mqttws
