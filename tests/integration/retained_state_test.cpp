// Retained state follows the broker: the bridge keeps one retained store per process, resyncs it
// with the broker each time the link comes back (topics the broker no longer holds are dropped
// once its retained messages stop coming, --retained-settle), drops messages whose MQTT 5
// message-expiry-interval ran out and replays the remaining interval, walks only the branches of
// its topic tree a filter can match, and does not grow with --threads.
//
// "Nothing stale is replayed" is shown with a marker: a client subscribes to a filter whose only
// other topic is the one that must not come back, then a retained marker under the same filter is
// published. Retained replay comes before live traffic (and in topic order, the marker's topic
// sorting last), so the marker is the client's first frame only if nothing was replayed.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/flow_control_fixture.hpp"
#include "harness/json_text.hpp"
#include "harness/rss_sampler.hpp"
#include "harness/sanitized_bridge.hpp"
#include "harness/tcp_proxy.hpp"

namespace mwb::it {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

const std::string kStored = "mwb_retained_messages";
const std::string kNotOnBroker = R"(mwb_retained_dropped_total{reason="not_on_broker"})";
const std::string kExpired = R"(mwb_retained_dropped_total{reason="expired"})";
const std::string kEvicted = R"(mwb_retained_dropped_total{reason="evicted"})";
const std::string kCacheFull = "mwb_retained_cache_full_total";
const std::string kConnected = "mwb_mqtt_connected";

double mib(std::uint64_t bytes) {
    return static_cast<double>(bytes) / static_cast<double>(kMiB);
}

class RetainedStateTest : public BridgeTest {
  protected:
    // With --mqtt-reconnect-max 1s the bridge is back within a second or two of the broker, and
    // the resync ends --retained-settle (1s) after the broker's last retained message; the bound
    // is generous for a loaded machine.
    static constexpr std::chrono::seconds kResync{60};

    static std::vector<std::string> fast_reconnect(std::vector<std::string> more = {}) {
        std::vector<std::string> args{"--mqtt-reconnect-min", "100ms", "--mqtt-reconnect-max",
                                      "1s"};
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    // Polls the bridge on `port` until `sample` satisfies `condition`.
    template <class Condition>
    static ::testing::AssertionResult MetricSatisfies(std::uint16_t port, const std::string& sample,
                                                      Condition&& condition,
                                                      const std::string& wanted,
                                                      const Deadline& deadline = kDelivery) {
        double last = -1;
        if (BridgeMetrics::wait_until(port, sample, condition, deadline, &last)) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << sample << " is " << last << " (-1: unreadable), expected " << wanted;
    }

    static ::testing::AssertionResult MetricBecomes(std::uint16_t port, const std::string& sample,
                                                    double value,
                                                    const Deadline& deadline = kDelivery) {
        return MetricSatisfies(
            port, sample, [value](double v) { return v == value; },
            std::to_string(static_cast<long long>(value)), deadline);
    }

    static ::testing::AssertionResult MetricReaches(std::uint16_t port, const std::string& sample,
                                                    double at_least,
                                                    const Deadline& deadline = kDelivery) {
        return MetricSatisfies(
            port, sample, [at_least](double v) { return v >= at_least; },
            "at least " + std::to_string(static_cast<long long>(at_least)), deadline);
    }

    static double metric_now(std::uint16_t port, const std::string& sample) {
        return BridgeMetrics::value(port, sample).value_or(-1);
    }

    // Publishes every (topic, payload) retained, in order: QoS 0, and every `batch`-th message and
    // the last at QoS 1, whose acknowledgement means the broker has handled everything before it
    // (the publisher waits for each publish to be written, so they go out one by one).
    void publish_retained_paced(const std::vector<std::pair<std::string, std::string>>& messages,
                                std::size_t batch = 1000) {
        for (std::size_t i = 0; i < messages.size(); ++i) {
            const bool checkpoint = (i + 1) % batch == 0 || i + 1 == messages.size();
            publisher().publish(messages[i].first, messages[i].second, checkpoint ? 1 : 0, true);
        }
    }

    // A msg (--send msg) frame, parsed, with its topic and retain flag checked.
    static ::testing::AssertionResult IsRetainedMsg(const rapidjson::Document& msg,
                                                    const std::string& topic) {
        const std::string text = JsonText::serialize(msg);
        if (!msg.IsObject() || JsonText::string_member(msg, "topic") != topic) {
            return ::testing::AssertionFailure()
                   << "expected a msg on '" << topic << "', got " << text;
        }
        if (!msg.HasMember("retain") || !msg["retain"].IsBool() || !msg["retain"].GetBool()) {
            return ::testing::AssertionFailure() << "not flagged retain: true: " << text;
        }
        return ::testing::AssertionSuccess();
    }
};

// Test 1: a topic cleared at the broker while the bridge's link is down is dropped by the resync
// after the link comes back; a topic the broker still holds stays.
TEST_F(RetainedStateTest, RetainedClearedWhileTheLinkIsDownIsNotReplayedAfterTheResync) {
    start_broker();
    start_publisher();
    // The bridge reaches the broker through a proxy, so the test can break that link while the
    // broker (and its retained messages) stays up.
    TcpProxy proxy(broker().port());
    BridgeProcess linked(proxy.port(), fast_reconnect({"--threads", "2"}));
    WsClientPool pool;
    const std::uint16_t port = linked.port();

    publisher().publish("gone/a", "stale", 1, true);
    publisher().publish("kept/a", "kept", 1, true);
    ASSERT_TRUE(MetricBecomes(port, kStored, 2));
    const double dropped_before = metric_now(port, kNotOnBroker);
    ASSERT_GE(dropped_before, 0) << "no " << kNotOnBroker << " sample in /metrics";

    proxy.cut();
    ASSERT_TRUE(MetricBecomes(port, kConnected, 0, kResync));
    // At the broker only: the bridge cannot see this delete (the proxy refuses it until restore).
    publisher().publish("gone/a", "", 1, true);
    proxy.restore();

    // The broker sends kept/a again, not gone/a; once its retained messages stop coming the
    // resync ends and drops gone/a.
    ASSERT_TRUE(MetricReaches(port, kNotOnBroker, dropped_before + 1, kResync));
    EXPECT_TRUE(MetricBecomes(port, kConnected, 1));
    EXPECT_EQ(metric_now(port, kNotOnBroker), dropped_before + 1);
    EXPECT_TRUE(MetricBecomes(port, kStored, 1)) << "kept/a alone should be stored";
    EXPECT_GE(proxy.connections_forwarded(), 2) << "the bridge connected again";

    WsConnection& gone = pool.connect_open(linked.ws_uri("/ws/gone/%23"));
    WsConnection& kept = pool.connect_open(linked.ws_uri("/ws/kept/%23"));
    publisher().publish("gone/z-marker", "marker", 1, true);
    publisher().publish("kept/z-marker", "marker", 1, true);
    EXPECT_TRUE(ReceivesTexts(gone, {"marker"}))
        << "the topic cleared while the link was down was replayed";
    EXPECT_TRUE(ReceivesTexts(kept, {"kept", "marker"}))
        << "the topic the broker still holds was not replayed";
}

// Test 2: a broker restarted without persistence holds no retained messages; after the bridge
// reconnects and resyncs, none of the old ones are replayed.
TEST_F(RetainedStateTest, RetainedLostInABrokerRestartWithoutPersistenceAreNotReplayed) {
    start(fast_reconnect({"--threads", "2"}));
    const std::uint16_t port = bridge().port();
    const std::vector<std::string> old_topics{"old/1", "old/2", "old/deeper/3"};
    for (const auto& topic : old_topics) publisher().publish(topic, "old " + topic, 1, true);
    ASSERT_TRUE(MetricBecomes(port, kStored, static_cast<double>(old_topics.size())));
    const double dropped_before = metric_now(port, kNotOnBroker);
    ASSERT_GE(dropped_before, 0) << "no " << kNotOnBroker << " sample in /metrics";

    broker().stop();  // persistence false: its retained messages are gone with it
    ASSERT_TRUE(MetricBecomes(port, kConnected, 0, kResync));
    broker().restart();
    ASSERT_TRUE(MetricReaches(port, kNotOnBroker,
                              dropped_before + static_cast<double>(old_topics.size()), kResync));
    EXPECT_TRUE(MetricBecomes(port, kConnected, 1));
    EXPECT_EQ(metric_now(port, kNotOnBroker),
              dropped_before + static_cast<double>(old_topics.size()));
    EXPECT_TRUE(MetricBecomes(port, kStored, 0));

    start_publisher();  // the old publisher's connection died with the broker
    WsConnection& client = connect("/ws/old/%23");
    publisher().publish("old/z-marker", "marker", 1, true);
    EXPECT_TRUE(ReceivesTexts(client, {"marker"}))
        << "retained messages the restarted broker no longer holds were replayed";
}

// Test 3: a retained message whose expiry interval ran out is dropped and not replayed; one still
// valid is replayed with what is left of its interval, as a broker would send it.
TEST_F(RetainedStateTest, ExpiredRetainedIsNotReplayedAndAReplayCarriesTheRemainingInterval) {
    start({"--send", "msg", "--threads", "2"});
    const std::uint16_t port = bridge().port();
    const double expired_before = metric_now(port, kExpired);
    ASSERT_GE(expired_before, 0) << "no " << kExpired << " sample in /metrics";

    publisher().publish("exp/short", "short-lived", 1, true,
                        mqtt::properties{{mqtt::property::MESSAGE_EXPIRY_INTERVAL, 1}});
    publisher().publish("exp/long", "long-lived", 1, true,
                        mqtt::properties{{mqtt::property::MESSAGE_EXPIRY_INTERVAL, 100}});
    ASSERT_TRUE(MetricReaches(port, kExpired, expired_before + 1));
    EXPECT_TRUE(MetricBecomes(port, kStored, 1)) << "exp/long alone should be stored";
    EXPECT_EQ(metric_now(port, kExpired), expired_before + 1);

    // exp/short/# matches exp/short itself: only the marker may arrive.
    WsConnection& short_client = connect("/ws/exp/short/%23");
    publisher().publish("exp/short/z-marker", "marker", 1, true);
    {
        rapidjson::Document first = NextJson(short_client);
        EXPECT_EQ(JsonText::string_member(first, "topic"), "exp/short/z-marker")
            << "the expired retained message was replayed: " << JsonText::serialize(first);
    }

    // exp/long: replayed with its remaining interval, never more than it was published with, and
    // below 100 once a second has passed since it arrived (a new client each time).
    constexpr int kMaxAttempts = 100;
    int attempts = 0;
    std::vector<unsigned> seen;
    const Deadline counted_down(std::chrono::seconds(20));
    const bool below = counted_down.poll_until(
        [&] {
            if (attempts >= kMaxAttempts || ::testing::Test::HasFatalFailure()) return true;
            ++attempts;
            WsConnection& client = connect("/ws/exp/long");
            rapidjson::Document msg = NextJson(client);
            client.close();
            const std::string text = JsonText::serialize(msg);
            EXPECT_TRUE(IsRetainedMsg(msg, "exp/long"));
            EXPECT_EQ(JsonText::string_member(msg, "payload"), "long-lived") << text;
            if (!msg.HasMember("messageExpiryInterval") || !msg["messageExpiryInterval"].IsUint()) {
                ADD_FAILURE() << "replayed without a messageExpiryInterval: " << text;
                return true;
            }
            const unsigned left = msg["messageExpiryInterval"].GetUint();
            seen.push_back(left);
            EXPECT_LE(left, 100u) << text;
            EXPECT_GE(left, 1u) << "an expired message was replayed: " << text;
            return left < 100;
        },
        std::chrono::milliseconds(200));
    std::string values;
    for (const unsigned v : seen) values += " " + std::to_string(v);
    EXPECT_TRUE(below && !seen.empty() && seen.back() < 100)
        << "no replay of exp/long carried less than its 100 s interval in " << attempts
        << " attempt(s); seen:" << values;
}

// Test 4: a replay walks only what its filter can match: 10 topics among 100,000 other stored
// ones, exactly those 10 (in topic order), then live traffic.
TEST_F(RetainedStateTest,
       ReplayOfAFilterMatchingTenOfAHundredThousandTopicsReturnsExactlyThoseTen) {
    start({"--retained-cache", "200000", "--retained-bytes", "1GiB", "--threads", "2"});
    const std::uint16_t port = bridge().port();

    // What a/b/# matches, in topic order (a topic before the topics below it).
    const std::vector<std::string> matching{"a/b",   "a/b/0", "a/b/1", "a/b/2", "a/b/3",
                                            "a/b/4", "a/b/5", "a/b/6", "a/b/7", "a/b/7/deep"};
    constexpr int kOthers = 100000;
    std::vector<std::pair<std::string, std::string>> messages;
    messages.reserve(kOthers + matching.size());
    std::size_t next_matching = 0;
    for (int i = 0; i < kOthers; ++i) {
        // Near misses of a/b/#: siblings of b, b at another level, a/b one level down.
        std::string topic;
        switch (i % 4) {
            case 0:
                topic = "a/c/" + std::to_string(i);
                break;
            case 1:
                topic = "a/" + std::to_string(i) + "/b";
                break;
            case 2:
                topic = "a/b" + std::to_string(i);
                break;
            default:
                topic = "x/a/b/" + std::to_string(i);
                break;
        }
        messages.emplace_back(topic, topic);
        // The matching ones spread among the others.
        if (i % (kOthers / static_cast<int>(matching.size())) == 0 &&
            next_matching < matching.size()) {
            messages.emplace_back(matching[next_matching], matching[next_matching]);
            ++next_matching;
        }
    }
    ASSERT_EQ(messages.size(), kOthers + matching.size());
    publish_retained_paced(messages);

    ASSERT_TRUE(MetricBecomes(port, kStored, static_cast<double>(messages.size()),
                              std::chrono::seconds(60)));
    EXPECT_EQ(metric_now(port, kCacheFull), 0);
    EXPECT_EQ(metric_now(port, kEvicted), 0);

    WsConnection& client = connect("/ws/a/b/%23");
    publisher().publish("a/b/zz-marker", "marker", 1, true);
    std::vector<std::string> expected = matching;
    expected.push_back("marker");
    EXPECT_TRUE(ReceivesTexts(client, expected, std::chrono::seconds(30)));
}

// Test 5: the store's memory is the process's, not each delivery thread's: the same retained set
// costs a --threads 4 bridge about what it costs a --threads 1 bridge.
TEST_F(RetainedStateTest, StoreMemoryDoesNotGrowWithThreads) {
    start_broker();
    start_publisher();
    // 20,000 retained messages of 2,000 bytes: 40 MB of payload.
    const NumberedMessages set{"load/", "load", 20000, 5, 2000};
    const std::vector<std::string> common{"--subscribe", "load/#",           "--retained-cache",
                                          "50000",       "--retained-bytes", "1GiB"};
    auto args = [&](const char* threads) {
        std::vector<std::string> all{"--threads", threads};
        all.insert(all.end(), common.begin(), common.end());
        return all;
    };
    // Both bridges receive the same messages at the same time.
    BridgeProcess one(broker().port(), args("1"));
    BridgeProcess four(broker().port(), args("4"));
    const std::uint64_t before_one = settled_rss(one.pid(), std::chrono::seconds(10));
    const std::uint64_t before_four = settled_rss(four.pid(), std::chrono::seconds(10));
    ASSERT_GT(before_one, 0u) << "cannot read VmRSS of the --threads 1 bridge";
    ASSERT_GT(before_four, 0u) << "cannot read VmRSS of the --threads 4 bridge";

    std::vector<std::pair<std::string, std::string>> messages;
    messages.reserve(static_cast<std::size_t>(set.count));
    for (int i = 0; i < set.count; ++i) messages.emplace_back(set.topic(i), set.payload(i));
    publish_retained_paced(messages);

    ASSERT_TRUE(MetricBecomes(one.port(), kStored, set.count, std::chrono::seconds(30)));
    ASSERT_TRUE(MetricBecomes(four.port(), kStored, set.count, std::chrono::seconds(30)));
    for (const BridgeProcess* each : {&one, &four}) {
        EXPECT_EQ(metric_now(each->port(), kEvicted), 0);
        EXPECT_EQ(metric_now(each->port(), kCacheFull), 0);
    }
    const std::uint64_t after_one = settled_rss(one.pid(), std::chrono::seconds(10));
    const std::uint64_t after_four = settled_rss(four.pid(), std::chrono::seconds(10));
    const std::uint64_t growth_one = after_one > before_one ? after_one - before_one : 0;
    const std::uint64_t growth_four = after_four > before_four ? after_four - before_four : 0;
    std::cout << "[          ] VmRSS growth for " << set.count << " retained messages of "
              << set.payload_size << " bytes: --threads 1 " << mib(growth_one) << " MiB ("
              << mib(before_one) << " -> " << mib(after_one) << "), --threads 4 "
              << mib(growth_four) << " MiB (" << mib(before_four) << " -> " << mib(after_four)
              << ")\n";

    // The store holds 40 MB of payloads: a growth far below that means the measurement missed it.
    const std::uint64_t payload_bytes =
        static_cast<std::uint64_t>(set.count) * static_cast<std::uint64_t>(set.payload_size);
    ASSERT_GE(growth_one, payload_bytes / 2)
        << "the --threads 1 bridge's VmRSS grew by " << mib(growth_one) << " MiB only";
    if (kBridgeSanitized) {
        std::cout << "[          ] sanitized bridge: the ratio is not checked\n";
        return;
    }
    EXPECT_LT(static_cast<double>(growth_four), 1.3 * static_cast<double>(growth_one))
        << "--threads 4 grew by " << mib(growth_four) << " MiB, --threads 1 by " << mib(growth_one)
        << " MiB";
}

}  // namespace
}  // namespace mwb::it
