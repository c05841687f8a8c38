#include "harness/mqtt_publisher.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace mwb::it {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kPublishTimeout = std::chrono::seconds(10);

}  // namespace

std::string MqttPublisher::unique_client_id(const std::string& role) {
    static std::atomic<int> counter{0};
    return "mwb-it-" + role + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

MqttPublisher::MqttPublisher(const std::string& broker_url, int mqtt_version)
    : version_(mqtt_version) {
    client_ = std::make_unique<mqtt::async_client>(broker_url, unique_client_id("pub"),
                                                   mqtt::create_options(version_));
    auto options = mqtt::connect_options_builder()
                       .mqtt_version(version_)
                       .connect_timeout(kConnectTimeout)
                       .automatic_reconnect(false)
                       .finalize();
    if (version_ == MQTTVERSION_5) {
        options.set_clean_start(true);
    } else {
        options.set_clean_session(true);
    }
    auto token = client_->connect(options);
    if (!token->wait_for(kConnectTimeout + std::chrono::seconds(5))) {
        throw std::runtime_error("MqttPublisher: connect to " + broker_url + " timed out");
    }
}

MqttPublisher::~MqttPublisher() {
    try {
        if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const std::exception&) {
        // The broker may already be gone (tests kill it on purpose).
    }
}

void MqttPublisher::publish(const std::string& topic, const std::string& payload, int qos,
                            bool retain, const mqtt::properties& properties) {
    auto message = mqtt::message_ptr_builder()
                       .topic(topic)
                       .payload(payload)
                       .qos(qos)
                       .retained(retain)
                       .properties(properties)
                       .finalize();
    auto token = client_->publish(message);
    if (!token->wait_for(kPublishTimeout)) {
        throw std::runtime_error("MqttPublisher: publish to '" + topic + "' did not complete");
    }
}

}  // namespace mwb::it
