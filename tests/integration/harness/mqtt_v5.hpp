#pragma once

#include <mqtt/message.h>
#include <mqtt/properties.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mwb::it {

// MQTT 5 properties for tests of targeting and the way back: building them for a publish, and
// reading them from what a test backend (MqttSubscriber) received.
class MqttV5 {
  public:
    using UserProperties = std::vector<std::pair<std::string, std::string>>;

    // Properties holding the given user properties (in order).
    static mqtt::properties user_properties(const UserProperties& pairs);
    // Properties for an answer: the correlation data, plus optional user properties.
    static mqtt::properties answer(const std::optional<std::string>& correlation_data,
                                   const UserProperties& pairs = {});

    // Every user property of `props`, in order.
    static UserProperties user_properties_of(const mqtt::properties& props);
    // The value of the first user property called `name`, if any.
    static std::optional<std::string> user_property(const mqtt::properties& props,
                                                    const std::string& name);
    static std::optional<std::string> response_topic(const mqtt::properties& props);
    static std::optional<std::string> correlation_data(const mqtt::properties& props);

    // Topic, flags, payload and v5 properties on one line, for failure messages.
    static std::string describe(const mqtt::message& message);
};

}  // namespace mwb::it
