#include "harness/mqtt_subscriber.hpp"

#include <stdexcept>

#include "harness/mqtt_publisher.hpp"

namespace mwb::it {
namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

}  // namespace

MqttSubscriber::MqttSubscriber(const std::string& broker_url, int mqtt_version)
    : version_(mqtt_version) {
    client_ = std::make_unique<mqtt::async_client>(
        broker_url, MqttPublisher::unique_client_id("sub"), mqtt::create_options(version_));
    auto options = mqtt::connect_options_builder()
                       .mqtt_version(version_)
                       .connect_timeout(kTimeout)
                       .automatic_reconnect(false)
                       .finalize();
    if (version_ == MQTTVERSION_5) {
        options.set_clean_start(true);
    } else {
        options.set_clean_session(true);
    }
    client_->start_consuming();
    if (!client_->connect(options)->wait_for(kTimeout + std::chrono::seconds(5))) {
        throw std::runtime_error("MqttSubscriber: connect to " + broker_url + " timed out");
    }
}

MqttSubscriber::~MqttSubscriber() {
    try {
        client_->stop_consuming();
        if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const std::exception&) {
        // The broker may already be gone.
    }
}

void MqttSubscriber::subscribe(const std::string& filter, int qos) {
    auto token = client_->subscribe(filter, qos);
    if (!token->wait_for(kTimeout)) {
        throw std::runtime_error("MqttSubscriber: SUBACK for '" + filter + "' timed out");
    }
}

mqtt::const_message_ptr MqttSubscriber::next_message(const Deadline& deadline) {
    mqtt::const_message_ptr message;
    if (client_->try_consume_message_until(&message, deadline.when())) return message;
    return nullptr;
}

}  // namespace mwb::it
