#include "mqtt/message_conversion.hpp"

namespace mqttws::mqtt {

Message from_paho(const ::mqtt::message& in) {
    using ::mqtt::property;
    Message msg;
    msg.mqtt_topic = in.get_topic();
    msg.payload = in.get_payload_str();
    msg.qos = in.get_qos();
    msg.retain = in.is_retained();

    const ::mqtt::properties& props = in.get_properties();
    if (props.empty()) return msg;
    if (props.contains(property::RESPONSE_TOPIC)) {
        msg.response_topic = ::mqtt::get<std::string>(props, property::RESPONSE_TOPIC);
    }
    if (props.contains(property::CORRELATION_DATA)) {
        msg.correlation_data = ::mqtt::get<std::string>(props, property::CORRELATION_DATA);
    }
    if (props.contains(property::CONTENT_TYPE)) {
        msg.content_type = ::mqtt::get<std::string>(props, property::CONTENT_TYPE);
    }
    if (props.contains(property::MESSAGE_EXPIRY_INTERVAL)) {
        msg.message_expiry_interval =
            ::mqtt::get<uint32_t>(props, property::MESSAGE_EXPIRY_INTERVAL);
    }
    if (props.contains(property::PAYLOAD_FORMAT_INDICATOR)) {
        msg.payload_format_indicator =
            ::mqtt::get<uint8_t>(props, property::PAYLOAD_FORMAT_INDICATOR) != 0;
    }
    const std::size_t users = props.count(property::USER_PROPERTY);
    msg.user_properties.reserve(users);
    for (std::size_t i = 0; i < users; ++i) {
        auto [name, value] = ::mqtt::get<::mqtt::string_pair>(props, property::USER_PROPERTY, i);
        msg.user_properties.emplace_back(std::move(name), std::move(value));
    }
    return msg;
}

}  // namespace mqttws::mqtt
