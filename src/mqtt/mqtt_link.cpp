#include "mqtt/mqtt_link.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstring>
#include <optional>
#include <utility>

#include "mqtt/message_conversion.hpp"
#include "mqttws/broker_url.hpp"

namespace mqttws::mqtt {

namespace {

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

// Room in a PUBLISH packet besides the payload: a topic of the longest length MQTT allows
// (65,535 bytes) plus 64 KiB of properties. nullopt past the protocol's own largest packet.
std::optional<std::uint64_t> maximum_packet_size(std::uint64_t max_payload) {
    constexpr std::uint64_t header_room = 128 * 1024;
    constexpr std::uint64_t protocol_limit = 268'435'455 + 5;  // remaining length + fixed header
    if (max_payload > protocol_limit - header_room) return std::nullopt;
    return max_payload + header_room;
}

}  // namespace

class MqttLink::PublishListener : public ::mqtt::iaction_listener {
  public:
    explicit PublishListener(PublishDone done) : done_(std::move(done)) {}

    // Paho holds a reference only; the listener owns itself until called.
    static PublishListener& create(PublishDone done) {
        auto listener = std::make_shared<PublishListener>(std::move(done));
        listener->self_ = listener;
        return *listener;
    }
    void finish(PublishOutcome outcome, std::string detail) {
        auto keep = std::move(self_);
        if (done_) done_(outcome, std::move(detail));
    }
    void on_success(const ::mqtt::token&) override { finish(PublishOutcome::published, ""); }
    void on_failure(const ::mqtt::token& token) override {
        finish(PublishOutcome::failed,
               "the broker refused the message (reason code " +
                   std::to_string(static_cast<int>(token.get_reason_code())) + ")");
    }

  private:
    PublishDone done_;
    std::shared_ptr<PublishListener> self_;
};

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
    // A kept session lets the broker queue QoS >= 1 messages while the
    // bridge is away; it needs a stable --mqtt-client-id.
    const bool keep_session = options_.session_expiry.count() > 0;
    if (version == MQTTVERSION_5) {
        builder.clean_start(!keep_session);
    } else {
        builder.clean_session(!keep_session);
    }
    if (!options_.status_topic.empty()) {
        // The broker publishes "offline" for us if we vanish.
        builder.will(::mqtt::message(options_.status_topic, "offline", 1, true));
    }
    if (options_.tls.enabled) {
        ::mqtt::ssl_options_builder ssl;
        if (!options_.tls.ca_file.empty()) ssl.trust_store(options_.tls.ca_file);
        if (!options_.tls.cert_file.empty()) {
            ssl.key_store(options_.tls.cert_file).private_key(options_.tls.key_file);
        }
        // Paho's default version lets OpenSSL negotiate TLS 1.2 or 1.3 (its
        // own floor on Debian is 1.2); verify() checks the host name too.
        ssl.enable_server_cert_auth(!options_.tls.insecure).verify(!options_.tls.insecure);
        builder.ssl(ssl.finalize());
    }
    if (options_.username) builder.user_name(*options_.username);
    if (options_.password) builder.password(*options_.password);
    connect_options_ = builder.finalize();
    if (version == MQTTVERSION_5) {
        ::mqtt::properties props;
        if (keep_session) {
            props.add({::mqtt::property::SESSION_EXPIRY_INTERVAL,
                       static_cast<int>(options_.session_expiry.count())});
        }
        // Paho reads a whole packet into memory before we see it: with a Maximum Packet
        // Size the broker never sends what --max-payload would drop anyway.
        if (const auto limit = maximum_packet_size(options_.max_payload)) {
            props.add({::mqtt::property::MAXIMUM_PACKET_SIZE, static_cast<int>(*limit)});
        }
        // Set on the final object: Paho C++ 1.2.0's builder leaves its
        // properties pointing into the destroyed builder (paho.mqtt.cpp#362).
        connect_options_.set_properties(std::move(props));
    }

    connect_listener_.success = [](const ::mqtt::token&) {};
    connect_listener_.failure = [this](const ::mqtt::token& token) {
        spdlog::warn("mqtt: cannot connect to {} (return code {}, reason code {})", options_.url,
                     token.get_return_code(), static_cast<int>(token.get_reason_code()));
        schedule_reconnect();
    };
    subscribe_listener_.success = [this](const ::mqtt::token& token) {
        const auto index = reinterpret_cast<std::uintptr_t>(token.get_user_context());
        const auto code = static_cast<int>(token.get_reason_code());
        if (code >= 0x80) {
            spdlog::error("mqtt: broker refused subscription '{}' (reason code {})",
                          options_.subscriptions[index].filter, code);
        }
        subscription_settled();
    };
    subscribe_listener_.failure = [this](const ::mqtt::token& token) {
        const auto index = reinterpret_cast<std::uintptr_t>(token.get_user_context());
        spdlog::error("mqtt: subscription '{}' failed (return code {}, reason code {})",
                      options_.subscriptions[index].filter, token.get_return_code(),
                      static_cast<int>(token.get_reason_code()));
        subscription_settled();
    };

    client_->set_message_callback(
        [this](::mqtt::const_message_ptr message) { on_message_arrived(message); });
    client_->set_connected_handler([this](const std::string&) {
        spdlog::info("mqtt: connected to {}", options_.url);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            backoff_ = options_.reconnect_min;
        }
        if (events_.on_connected) events_.on_connected();
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
    pending_subscriptions_ = options_.subscriptions.size();
    if (pending_subscriptions_ == 0) {
        link_up();
        return;
    }
    // One SUBSCRIBE per filter: Paho C++ 1.2.0 crashes on a multi-filter
    // subscribe that carries MQTT 5 subscribe options.
    // Retain As Published keeps the retain flag on live updates of retained
    // topics, so the retained cache stays current (3.1.1 cannot say this).
    const ::mqtt::subscribe_options subscribe_options(false, options_.version == 5);
    for (std::size_t i = 0; i < options_.subscriptions.size(); ++i) {
        const auto& spec = options_.subscriptions[i];
        try {
            client_->subscribe(spec.filter, spec.qos, reinterpret_cast<void*>(i),
                               subscribe_listener_, subscribe_options);
        } catch (const ::mqtt::exception& e) {
            spdlog::error("mqtt: subscribe '{}' failed: {}", spec.filter, e.what());
            subscription_settled();
        }
    }
}

void MqttLink::subscription_settled() {
    if (--pending_subscriptions_ != 0) return;
    spdlog::info("mqtt: subscribed to {} filter(s)", options_.subscriptions.size());
    publish_status("online");
    link_up();
}

void MqttLink::link_up() {
    if (std::exchange(ever_connected_, true)) bump(counters_.reconnects);
    connected_ = true;
    events_.on_link_change(true);
}

void MqttLink::on_message_arrived(const ::mqtt::const_message_ptr& in) {
    if (!in) return;
    const auto arrival = std::chrono::steady_clock::now();
    bump(counters_.messages);
    if (in->get_payload().size() > options_.max_payload) {
        bump(counters_.dropped_too_large);
        spdlog::debug("mqtt: dropped a {} byte message on {}: over --max-payload",
                      in->get_payload().size(), in->get_topic());
        return;
    }
    Message msg = from_paho(*in);
    msg.arrival = arrival;
    msg.msgid = ids_.next();
    const DecodeResult decoded = decode_message(msg, options_.decode);
    if (decoded == DecodeResult::events_topic) {
        bump(counters_.dropped_events);
        return;
    }
    if (decoded == DecodeResult::other_session_type) {
        bump(counters_.dropped_session_type);
        spdlog::debug("mqtt: dropped a message on {}: its _session is not a websocket one",
                      msg.mqtt_topic);
        return;
    }
    if (decoded != DecodeResult::ok) {
        bump(counters_.dropped_payload);
        spdlog::debug(
            "mqtt: dropped a message on {}: payload refused (not JSON under "
            "--payload json, or nested too deep to unwrap)",
            msg.mqtt_topic);
        return;
    }
    events_.on_message(std::make_shared<const Message>(std::move(msg)));
}

void MqttLink::publish(ClientPublish request, PublishDone done) {
    if (!connected_) {
        done(PublishOutcome::not_connected, "the broker link is down; not published");
        return;
    }
    auto message = ::mqtt::make_message(request.topic, std::move(request.payload), request.qos,
                                        request.retain);
    if (options_.version == 5) {
        ::mqtt::properties props;
        if (!request.broadcast) {
            // The way back: a backend answers on the response topic, or
            // anywhere with this property, and reaches this session alone.
            props.add({::mqtt::property::USER_PROPERTY, options_.decode.session_property,
                       request.session_id});
            props.add({::mqtt::property::RESPONSE_TOPIC,
                       options_.decode.reply_topic_prefix + request.session_id});
        }
        if (request.correlation_data) {
            props.add({::mqtt::property::CORRELATION_DATA, *request.correlation_data});
        }
        message->set_properties(std::move(props));
    }
    auto& listener = PublishListener::create(std::move(done));
    try {
        client_->publish(message, nullptr, listener);
    } catch (const ::mqtt::exception& e) {
        listener.finish(PublishOutcome::failed, e.what());
    }
}

void MqttLink::publish_event(std::string json) {
    if (options_.events_topic.empty() || !connected_) return;
    try {
        client_->publish(options_.events_topic, json.data(), json.size(), 1, false);
    } catch (const ::mqtt::exception& e) {
        spdlog::debug("mqtt: connection event not published: {}", e.what());
    }
}

void MqttLink::publish_status(const char* status) {
    if (options_.status_topic.empty()) return;
    try {
        client_->publish(options_.status_topic, status, std::strlen(status), 1, true);
    } catch (const ::mqtt::exception& e) {
        spdlog::warn("mqtt: status '{}' not published: {}", status, e.what());
    }
}

void MqttLink::stop(std::chrono::milliseconds timeout) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    boost::asio::post(timers_, [this] { retry_timer_.cancel(); });
    try {
        if (client_->is_connected()) {
            // A clean exit says so itself; the will is only for a crash.
            if (!options_.status_topic.empty()) {
                waited_tokens_.push_back(
                    client_->publish(options_.status_topic, "offline", 7, 1, true));
                waited_tokens_.back()->wait_for(timeout);
            }
            waited_tokens_.push_back(client_->disconnect(static_cast<int>(timeout.count())));
            waited_tokens_.back()->wait_for(timeout);
        }
    } catch (const ::mqtt::exception& e) {
        spdlog::debug("mqtt: disconnect: {}", e.what());
    }
}

}  // namespace mqttws::mqtt
