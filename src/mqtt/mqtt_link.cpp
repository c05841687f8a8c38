#include "mqtt/mqtt_link.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "mqtt/message_conversion.hpp"
#include "mqttws/broker_url.hpp"

namespace mqttws::mqtt {

namespace {

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

MqttLink::MqttLink(MqttOptions options, LinkEvents events, boost::asio::io_context& timers)
    : options_(std::move(options)),
      events_(std::move(events)),
      timers_(timers),
      retry_timer_(timers),
      backoff_(options_.reconnect_min),
      jitter_(static_cast<std::minstd_rand::result_type>(random_seed())),
      ids_(random_seed()) {
    const auto url = parse_broker_url(options_.url);
    const std::string uri = std::holds_alternative<BrokerUrl>(url)
                                ? std::get<BrokerUrl>(url).paho_uri
                                : options_.url;  // validated by the command line
    const int version = options_.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
    client_ = std::make_unique<::mqtt::async_client>(uri, options_.client_id,
                                                     ::mqtt::create_options(version), nullptr);

    ::mqtt::connect_options_builder builder;
    builder.mqtt_version(version)
        .keep_alive_interval(options_.keep_alive)
        .connect_timeout(std::chrono::seconds(10))
        .automatic_reconnect(false);  // ours has jitter and covers the first connect
    if (version == MQTTVERSION_5) {
        builder.clean_start(true);
    } else {
        builder.clean_session(true);
    }
    if (options_.username) builder.user_name(*options_.username);
    if (options_.password) builder.password(*options_.password);
    connect_options_ = builder.finalize();

    connect_listener_.success = [](const ::mqtt::token&) {};
    connect_listener_.failure = [this](const ::mqtt::token& token) {
        spdlog::warn("mqtt: cannot connect to {} (return code {}, reason code {})", options_.url,
                     token.get_return_code(), static_cast<int>(token.get_reason_code()));
        schedule_reconnect();
    };
    subscribe_listener_.success = [this](const ::mqtt::token& token) {
        if (options_.version == 5) {
            const auto codes = token.get_subscribe_response().get_reason_codes();
            for (std::size_t i = 0; i < codes.size() && i < options_.subscriptions.size(); ++i) {
                if (codes[i] >= 0x80) {
                    spdlog::error("mqtt: broker refused subscription '{}' (reason code {})",
                                  options_.subscriptions[i].filter, static_cast<int>(codes[i]));
                }
            }
        }
        spdlog::info("mqtt: subscribed to {} filter(s)", options_.subscriptions.size());
        connected_ = true;
        events_.on_link_change(true);
    };
    subscribe_listener_.failure = [this](const ::mqtt::token& token) {
        spdlog::error("mqtt: subscribe failed (return code {}, reason code {}); reconnecting",
                      token.get_return_code(), static_cast<int>(token.get_reason_code()));
        try {
            client_->disconnect();
        } catch (const ::mqtt::exception&) {
        }
        schedule_reconnect();
    };

    client_->set_message_callback(
        [this](::mqtt::const_message_ptr message) { on_message_arrived(message); });
    client_->set_connected_handler([this](const std::string&) {
        spdlog::info("mqtt: connected to {}", options_.url);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            backoff_ = options_.reconnect_min;
        }
        subscribe_all();
    });
    client_->set_connection_lost_handler([this](const std::string& cause) {
        spdlog::warn("mqtt: connection lost{}{}", cause.empty() ? "" : ": ", cause);
        connected_ = false;
        events_.on_link_change(false);
        schedule_reconnect();
    });
}

MqttLink::~MqttLink() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    client_->disable_callbacks();
}

void MqttLink::start() {
    connect();
}

void MqttLink::connect() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
    }
    try {
        client_->connect(connect_options_, nullptr, connect_listener_);
    } catch (const ::mqtt::exception& e) {
        spdlog::warn("mqtt: connect to {} failed: {}", options_.url, e.what());
        schedule_reconnect();
    }
}

void MqttLink::schedule_reconnect() {
    std::chrono::milliseconds delay;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        // Full jitter in [backoff/2, backoff]: bridges restarted together
        // do not reconnect in lockstep.
        const auto half = backoff_.count() / 2;
        delay = std::chrono::milliseconds(
            half + static_cast<long>(jitter_() % static_cast<unsigned long>(half + 1)));
        backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    }
    spdlog::debug("mqtt: next connection attempt in {} ms", delay.count());
    boost::asio::post(timers_, [this, delay] {
        retry_timer_.expires_after(delay);
        retry_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) connect();
        });
    });
}

void MqttLink::subscribe_all() {
    if (options_.subscriptions.empty()) {
        connected_ = true;
        events_.on_link_change(true);
        return;
    }
    auto filters = std::make_shared<::mqtt::string_collection>();
    ::mqtt::iasync_client::qos_collection qos;
    for (const auto& spec : options_.subscriptions) {
        filters->push_back(spec.filter);
        qos.push_back(spec.qos);
    }
    try {
        client_->subscribe(filters, qos, nullptr, subscribe_listener_);
    } catch (const ::mqtt::exception& e) {
        spdlog::error("mqtt: subscribe failed: {}", e.what());
    }
}

void MqttLink::on_message_arrived(const ::mqtt::const_message_ptr& in) {
    if (!in) return;
    Message msg = from_paho(*in);
    msg.msgid = ids_.next();
    if (decode_message(msg, options_.decode) != DecodeResult::ok) {
        spdlog::debug("mqtt: dropped a message on {}: payload is not JSON (--payload json)",
                      msg.mqtt_topic);
        return;
    }
    events_.on_message(std::make_shared<const Message>(std::move(msg)));
}

void MqttLink::stop(std::chrono::milliseconds timeout) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    boost::asio::post(timers_, [this] { retry_timer_.cancel(); });
    try {
        if (client_->is_connected()) {
            client_->disconnect(static_cast<int>(timeout.count()))->wait_for(timeout);
        }
    } catch (const ::mqtt::exception& e) {
        spdlog::debug("mqtt: disconnect: {}", e.what());
    }
}

}  // namespace mqttws::mqtt
