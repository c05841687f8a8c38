// Routing: which WebSocket client receives which MQTT message.
//
// Proving that a client did NOT receive something needs no sleep: the bridge delivers to each
// client in broker order, so once a client has received a message published after the one it
// must not get, the wrong one would already be there. The checks compare the complete list of
// frames each client received.

#include <string>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

class DeliveryTest : public BridgeTest {};

TEST_F(DeliveryTest, DeliversOnlyToClientsWithMatchingFilters) {
    start();
    WsConnection& temperatures = connect("/ws/sensors/+/temp");
    WsConnection& sensors = connect("/ws/sensors/%23");
    WsConnection& alerts = connect("/ws?topic=alerts");

    publish_topics({"other/x", "sensors/k/hum", "alerts/sub", "sensors/k/temp", "alerts",
                    "sensors/k/temp/extra", "sensors", "sensors/last/temp"});

    EXPECT_TRUE(ReceivesTexts(temperatures, {"sensors/k/temp", "sensors/last/temp"}));
    EXPECT_TRUE(ReceivesTexts(sensors, {"sensors/k/hum", "sensors/k/temp", "sensors/k/temp/extra",
                                        "sensors", "sensors/last/temp"}));
    // "alerts" is its last expected message; publish one more to catch a late wrong delivery.
    publisher().publish("alerts", "alerts-2");
    EXPECT_TRUE(ReceivesTexts(alerts, {"alerts", "alerts-2"}));
}

TEST_F(DeliveryTest, WildcardsFollowMqttMatchingRules) {
    start();
    // Every client also subscribes to "end", published last, so each stream is complete when
    // "end" arrives.
    WsConnection& a_hash = connect("/ws/a/%23?topic=end");
    WsConnection& plus_b = connect("/ws/+/b?topic=end");
    WsConnection& plus = connect("/ws/+?topic=end");
    WsConnection& exact = connect("/ws/a/b/c?topic=end");
    WsConnection& hash = connect("/ws/%23?topic=end");
    WsConnection& plus_plus = connect("/ws?topic=%2B/%2B&topic=end");

    publish_topics({"a", "a/b", "a/b/c", "/b", "b/a", "a/", "ab/b/c", "end"});

    // a/# matches its parent "a" and the empty level in "a/".
    EXPECT_TRUE(ReceivesTexts(a_hash, {"a", "a/b", "a/b/c", "a/", "end"}));
    // + matches exactly one level, including an empty one ("/b").
    EXPECT_TRUE(ReceivesTexts(plus_b, {"a/b", "/b", "end"}));
    EXPECT_TRUE(ReceivesTexts(plus, {"a", "end"}));
    EXPECT_TRUE(ReceivesTexts(exact, {"a/b/c", "end"}));
    EXPECT_TRUE(ReceivesTexts(hash, {"a", "a/b", "a/b/c", "/b", "b/a", "a/", "ab/b/c", "end"}));
    EXPECT_TRUE(ReceivesTexts(plus_plus, {"a/b", "/b", "b/a", "a/", "end"}));
}

TEST_F(DeliveryTest, DollarTopicsAreNotMatchedByLeadingWildcards) {
    // The bridge itself subscribes to $test/# too, so $test/x reaches it; it must still not
    // route it to clients whose filter starts with a wildcard.
    start({"--subscribe", "#", "--subscribe", "$test/#", "--send", "msg"});
    WsConnection& hash = connect("/ws/%23");
    WsConnection& plus_x = connect("/ws/+/x?topic=end");
    WsConnection& plus_hash = connect("/ws/+/%23?topic=end");
    WsConnection& dollar = connect("/ws/$test/%23?topic=end");

    publisher().publish("$test/x", "dollar");
    publisher().publish("end", "end");

    auto topics_of = [](WsConnection& connection, std::size_t count) {
        std::vector<std::string> topics;
        if (!connection.wait_for_messages(count, kDelivery)) return topics;
        for (const auto& frame : connection.messages()) {
            topics.push_back(JsonText::string_member(JsonText::parse(frame.payload), "topic"));
        }
        return topics;
    };
    EXPECT_EQ(topics_of(hash, 1), std::vector<std::string>{"end"}) << hash.describe();
    EXPECT_EQ(topics_of(plus_x, 1), std::vector<std::string>{"end"}) << plus_x.describe();
    EXPECT_EQ(topics_of(plus_hash, 1), std::vector<std::string>{"end"}) << plus_hash.describe();
    EXPECT_EQ(topics_of(dollar, 2), (std::vector<std::string>{"$test/x", "end"}))
        << dollar.describe();
}

TEST_F(DeliveryTest, SubscribesByPathByQueryAndByBoth) {
    start();
    WsConnection& path = connect("/ws/a/+/c");
    WsConnection& query = connect("/ws?topic=x/%23&topic=y");
    WsConnection& both = connect("/ws/a/+/c?topic=y");
    WsConnection& none = connect("/ws?topic=end");  // only the final marker

    publish_topics({"a/b/d", "x/1", "y", "a/b/c", "x/2", "a/z/c", "x/3", "end"});

    EXPECT_TRUE(ReceivesTexts(path, {"a/b/c", "a/z/c"}));
    EXPECT_TRUE(ReceivesTexts(query, {"x/1", "y", "x/2", "x/3"}));
    EXPECT_TRUE(ReceivesTexts(both, {"y", "a/b/c", "a/z/c"}));
    EXPECT_TRUE(ReceivesTexts(none, {"end"}));
}

TEST_F(DeliveryTest, ConnectionWithoutTopicsGetsNoBroadcasts) {
    // One delivery thread: once the witness has the last message, the bridge has routed both
    // messages for every client before it sees our close frame.
    start({"--threads", "1"});
    WsConnection& bare = connect("/ws");
    WsConnection& witness = connect("/ws/%23");
    publish_topics({"a", "b/c"});
    ASSERT_TRUE(ReceivesTexts(witness, {"a", "b/c"}));
    // Close our side: every frame the server sent before its close answer has arrived then.
    bare.close();
    ASSERT_TRUE(bare.wait_closed(kDelivery)) << bare.describe();
    EXPECT_EQ(bare.message_count(), 0u) << bare.describe();
}

TEST_F(DeliveryTest, OverlappingFiltersDeliverEachMessageOnce) {
    start();
    WsConnection& client = connect("/ws/a/%23?topic=a/%2B&topic=a/b&topic=%23");
    publisher().publish("a/b", "first");     // matches all four filters
    publisher().publish("a/c/d", "second");  // a/# and #
    publisher().publish("a/b", "third");
    publisher().publish("a/end", "end");
    EXPECT_TRUE(ReceivesTexts(client, {"first", "second", "third", "end"}));
}

TEST_F(DeliveryTest, StripPrefixFormsMsgTopicAndFiltersApplyToIt) {
    start({"--strip-prefix", "site/", "--send", "msg"});
    WsConnection& stripped = connect("/ws/a/%23");
    WsConnection& prefixed = connect("/ws/site/%23?topic=a/c");

    publisher().publish("site/a/b", "one");
    publisher().publish("site/a/c", "two");

    auto topics_of = [](WsConnection& connection, std::size_t count) {
        std::vector<std::string> topics;
        if (!connection.wait_for_messages(count, kDelivery)) return topics;
        for (const auto& frame : connection.messages()) {
            topics.push_back(JsonText::string_member(JsonText::parse(frame.payload), "topic"));
        }
        return topics;
    };
    EXPECT_EQ(topics_of(stripped, 2), (std::vector<std::string>{"a/b", "a/c"}))
        << stripped.describe();
    EXPECT_EQ(topics_of(prefixed, 1), std::vector<std::string>{"a/c"}) << prefixed.describe();
}

TEST_F(DeliveryTest, SessionIdHeaderIsPresentAndUniquePerConnection) {
    start();
    WsConnection& first = connect("/ws/a");
    WsConnection& second = connect("/ws/a");
    const std::string id1 = first.session_id();
    const std::string id2 = second.session_id();
    EXPECT_FALSE(id1.empty()) << first.describe();
    EXPECT_FALSE(id2.empty()) << second.describe();
    EXPECT_NE(id1, id2);
    // >= 128 random bits, URL-safe.
    EXPECT_GE(id1.size(), 22u) << id1;
    EXPECT_EQ(
        id1.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"),
        std::string::npos)
        << id1;
}

TEST_F(DeliveryTest, EveryClientOnEveryShardGetsEveryMessageInOrder) {
    start({"--threads", "2"});
    constexpr int kClients = 20;
    constexpr int kMessages = 200;
    std::vector<WsConnection*> connections;
    for (int i = 0; i < kClients; ++i) {
        connections.push_back(&clients().connect(bridge().ws_uri("/ws?topic=shard/%23")));
    }
    for (auto* c : connections) ASSERT_TRUE(c->wait_open(kDelivery)) << c->describe();

    std::vector<std::string> expected;
    for (int i = 0; i < kMessages; ++i) {
        expected.push_back("m" + std::to_string(i));
        publisher().publish("shard/" + std::to_string(i % 5), expected.back());
    }
    for (auto* c : connections) EXPECT_TRUE(ReceivesTexts(*c, expected, std::chrono::seconds(60)));
}

}  // namespace
}  // namespace mwb::it
