#include "harness/session_fixture.hpp"

#include <set>
#include <stdexcept>

#include "harness/http_client.hpp"
#include "harness/json_text.hpp"
#include "harness/metrics_text.hpp"

namespace mwb::it {
namespace {

// How many handshakes connect_on_every_shard tries before giving up: the kernel spreads
// connections over SO_REUSEPORT listeners by a hash, so a few suffice in practice.
constexpr int kShardProbeAttempts = 64;

// Session ids are "<instance-id>.<two hex digits of shard><random>".
std::optional<unsigned> shard_of(const std::string& session_id) {
    const std::size_t dot = session_id.find('.');
    if (dot == std::string::npos || session_id.size() < dot + 3) return std::nullopt;
    try {
        std::size_t used = 0;
        const unsigned long shard = std::stoul(session_id.substr(dot + 1, 2), &used, 16);
        if (used != 2) return std::nullopt;
        return static_cast<unsigned>(shard);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

void SessionTest::TearDown() {
    subscribers_.clear();
    BridgeTest::TearDown();
}

MqttSubscriber& SessionTest::mqtt_subscriber(const std::string& filter, int mqtt_version) {
    subscribers_.push_back(std::make_unique<MqttSubscriber>(broker().url(), mqtt_version));
    subscribers_.back()->subscribe(filter, 1);
    return *subscribers_.back();
}

void SessionTest::start_with_retained(
    const std::vector<std::pair<std::string, std::string>>& retained,
    const std::vector<std::string>& bridge_args) {
    start_broker();
    start_publisher();
    for (const auto& [topic, payload] : retained) publisher().publish(topic, payload, 1, true);
    start_bridge(bridge_args);
}

std::optional<double> SessionTest::metric(const std::string& series) {
    const HttpResponse response = HttpClient::get(bridge().port(), "/metrics");
    if (response.status != 200) return std::nullopt;
    return MetricsText::sample(response.body, series);
}

::testing::AssertionResult SessionTest::MetricReaches(const std::string& series, double at_least,
                                                      const Deadline& deadline) {
    std::optional<double> last;
    if (deadline.poll_until([&] {
            last = metric(series);
            return last && *last >= at_least;
        })) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "timed out waiting for " << series << " >= " << at_least << "; last read "
           << (last ? std::to_string(*last) : std::string("nothing"));
}

::testing::AssertionResult SessionTest::MetricBecomes(const std::string& series, double value,
                                                      const Deadline& deadline) {
    std::optional<double> last;
    if (deadline.poll_until([&] {
            last = metric(series);
            return last && *last == value;
        })) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "timed out waiting for " << series << " == " << value << "; last read "
           << (last ? std::to_string(*last) : std::string("nothing"));
}

std::vector<WsConnection*> SessionTest::connect_on_every_shard(const std::string& resource,
                                                               unsigned shards) {
    std::vector<WsConnection*> probes(shards, nullptr);
    unsigned covered = 0;
    for (int attempt = 0; attempt < kShardProbeAttempts && covered < shards; ++attempt) {
        WsConnection& connection = connect(resource);
        const std::optional<unsigned> shard = shard_of(connection.session_id());
        if (!shard || *shard >= shards) {
            throw std::runtime_error("session id '" + connection.session_id() +
                                     "' names no delivery thread below " + std::to_string(shards));
        }
        if (!probes[*shard]) {
            probes[*shard] = &connection;
            ++covered;
        }
    }
    if (covered < shards) {
        throw std::runtime_error("after " + std::to_string(kShardProbeAttempts) +
                                 " connections, some of the " + std::to_string(shards) +
                                 " delivery threads still hold no client");
    }
    return probes;
}

::testing::AssertionResult SessionTest::EveryShardSaw(const std::vector<WsConnection*>& probes,
                                                      const std::string& topic,
                                                      const std::string& token,
                                                      const Deadline& deadline) {
    publisher().publish(topic, token, 1);
    for (WsConnection* probe : probes) {
        for (;;) {
            std::optional<WsFrame> frame = probe->next_message(deadline);
            if (!frame) {
                return ::testing::AssertionFailure() << "'" << token << "' on " << topic
                                                     << " did not reach " << probe->describe();
            }
            if (frame->payload.find(token) != std::string::npos) break;
        }
    }
    return ::testing::AssertionSuccess();
}

std::vector<rapidjson::Document> SessionTest::NextProtocolFrames(WsConnection& connection,
                                                                 std::size_t count,
                                                                 const Deadline& deadline) {
    std::vector<rapidjson::Document> frames;
    for (std::size_t i = 0; i < count; ++i)
        frames.push_back(NextProtocolFrame(connection, deadline));
    return frames;
}

::testing::AssertionResult SessionTest::IsMsg(const rapidjson::Value& msg, const std::string& topic,
                                              const std::string& payload_json) {
    if (msg.IsObject() && JsonText::string_member(msg, "topic") == topic &&
        msg.HasMember("payload") &&
        JsonText::same(JsonText::serialize(msg["payload"]), payload_json)) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "expected a msg with topic '" << topic << "' and payload " << payload_json << ", got "
           << JsonText::serialize(msg);
}

::testing::AssertionResult SessionTest::IsAck(const rapidjson::Value& frame, long long id) {
    if (JsonText::string_member(frame, "type") == "ack" && frame.HasMember("id") &&
        frame["id"].IsInt64() && frame["id"].GetInt64() == id) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "expected {\"type\":\"ack\",\"id\":" << id << "}, got " << JsonText::serialize(frame);
}

::testing::AssertionResult SessionTest::IsError(const rapidjson::Value& frame, long long id,
                                                const std::string& code) {
    if (JsonText::string_member(frame, "type") == "error" && frame.HasMember("id") &&
        frame["id"].IsInt64() && frame["id"].GetInt64() == id &&
        JsonText::string_member(frame, "code") == code &&
        !JsonText::string_member(frame, "message").empty()) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "expected an error frame with id " << id << " and code '" << code << "', got "
           << JsonText::serialize(frame);
}

::testing::AssertionResult SessionTest::IsSessionId(const std::string& id) {
    static constexpr const char* url_safe =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        "0123456789-_";
    const std::size_t dot = id.find('.');
    if (dot != std::string::npos && dot >= 1 && dot <= 64 &&
        id.find_first_not_of(url_safe) == dot && id.size() == dot + 1 + 24 &&
        id.find_first_not_of(url_safe, dot + 1) == std::string::npos) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "'" << id << "' is not <instance-id>.<24 URL-safe characters>";
}

}  // namespace mwb::it
