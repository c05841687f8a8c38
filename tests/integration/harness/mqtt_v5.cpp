#include "harness/mqtt_v5.hpp"

#include <sstream>

namespace mwb::it {
namespace {

std::optional<std::string> string_property(const mqtt::properties& props,
                                           mqtt::property::code code) {
    if (!props.contains(code)) return std::nullopt;
    return mqtt::get<std::string>(props, code);
}

}  // namespace

mqtt::properties MqttV5::user_properties(const UserProperties& pairs) {
    mqtt::properties props;
    for (const auto& [name, value] : pairs) {
        props.add(mqtt::property(mqtt::property::USER_PROPERTY, name, value));
    }
    return props;
}

mqtt::properties MqttV5::answer(const std::optional<std::string>& correlation_data,
                                const UserProperties& pairs) {
    mqtt::properties props = user_properties(pairs);
    if (correlation_data) {
        props.add(mqtt::property(mqtt::property::CORRELATION_DATA, *correlation_data));
    }
    return props;
}

MqttV5::UserProperties MqttV5::user_properties_of(const mqtt::properties& props) {
    UserProperties pairs;
    const std::size_t count = props.count(mqtt::property::USER_PROPERTY);
    for (std::size_t i = 0; i < count; ++i) {
        const auto pair = mqtt::get<mqtt::string_pair>(props, mqtt::property::USER_PROPERTY, i);
        pairs.emplace_back(std::get<0>(pair), std::get<1>(pair));
    }
    return pairs;
}

std::optional<std::string> MqttV5::user_property(const mqtt::properties& props,
                                                 const std::string& name) {
    for (const auto& [key, value] : user_properties_of(props)) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::optional<std::string> MqttV5::response_topic(const mqtt::properties& props) {
    return string_property(props, mqtt::property::RESPONSE_TOPIC);
}

std::optional<std::string> MqttV5::correlation_data(const mqtt::properties& props) {
    return string_property(props, mqtt::property::CORRELATION_DATA);
}

std::string MqttV5::describe(const mqtt::message& message) {
    const mqtt::properties& props = message.get_properties();
    std::ostringstream out;
    out << "topic '" << message.get_topic() << "' qos " << message.get_qos()
        << (message.is_retained() ? " retained" : "") << " payload '"
        << message.get_payload_str().substr(0, 200) << "'";
    for (const auto& [key, value] : user_properties_of(props)) {
        out << " user-property " << key << "=" << value;
    }
    if (auto topic = response_topic(props)) out << " responseTopic '" << *topic << "'";
    if (auto data = correlation_data(props)) out << " correlationData '" << *data << "'";
    return out.str();
}

}  // namespace mwb::it
