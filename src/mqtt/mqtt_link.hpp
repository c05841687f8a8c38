// The Paho adapter: keeps one MQTT connection up (connect, subscribe,
// reconnect with backoff) and hands every message to `on_message` from
// Paho's callback thread. It also publishes clients' messages.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>

#include "mqtt/link_counters.hpp"
#include "mqtt/mqtt_options.hpp"
#include "mqttws/client_publisher.hpp"
#include "mqttws/message.hpp"
#include "mqttws/message_id.hpp"

namespace mqttws::mqtt {

struct LinkEvents {
    // Called on Paho's thread; must not block.
    std::function<void(MessagePtr)> on_message;
    // true once connected and subscribed; false when the link drops.
    std::function<void(bool)> on_link_change;
    // Connected, about to subscribe: the broker is going to send its
    // retained messages again.
    std::function<void()> on_connected;
};

class MqttLink : public ClientPublisher {
  public:
    // `timers` runs the reconnect backoff; it must outlive this object.
    MqttLink(MqttOptions options, LinkEvents events, boost::asio::io_context& timers);
    ~MqttLink() override;
    MqttLink(const MqttLink&) = delete;
    MqttLink& operator=(const MqttLink&) = delete;

    void start();
    // Disconnects cleanly, waiting at most `timeout`.
    void stop(std::chrono::milliseconds timeout);

    // Thread-safe; `done` runs on Paho's thread (or at once when refused).
    void publish(ClientPublish request, PublishDone done) override;
    void publish_event(std::string json) override;
    bool carries_request_properties() const override { return options_.version == 5; }

    // Any thread.
    const LinkCounters& counters() const { return counters_; }

  private:
    // Forwards Paho's completion callbacks to std::functions.
    class Listener : public ::mqtt::iaction_listener {
      public:
        std::function<void(const ::mqtt::token&)> success;
        std::function<void(const ::mqtt::token&)> failure;
        void on_success(const ::mqtt::token& token) override { success(token); }
        void on_failure(const ::mqtt::token& token) override { failure(token); }
    };

    void connect();
    void schedule_reconnect();
    void subscribe_all();
    // Called once per filter when the broker answered (or refused) it.
    void subscription_settled();
    // Connected and subscribed: tell the WebSocket side.
    void link_up();
    void publish_status(const char* status);
    void on_message_arrived(const ::mqtt::const_message_ptr& message);

    MqttOptions options_;
    LinkEvents events_;
    boost::asio::io_context& timers_;
    boost::asio::steady_timer retry_timer_;
    // Tokens waited on from our thread: Paho may still be signalling them
    // when the wait returns, so they outlive the client (declared first).
    std::vector<::mqtt::token_ptr> waited_tokens_;
    std::unique_ptr<::mqtt::async_client> client_;
    ::mqtt::connect_options connect_options_;
    Listener connect_listener_;
    Listener subscribe_listener_;

    // Lives until Paho reports the publish's outcome.
    class PublishListener;

    // Touched by Paho's thread and the timer thread.
    std::mutex mutex_;
    std::chrono::milliseconds backoff_;
    std::minstd_rand jitter_;
    bool stopping_ = false;

    MessageIdGenerator ids_;       // Paho's thread only
    bool ever_connected_ = false;  // Paho's thread only
    LinkCounters counters_;
    std::atomic<bool> connected_{false};
    std::atomic<std::size_t> pending_subscriptions_{0};
};

}  // namespace mqttws::mqtt
