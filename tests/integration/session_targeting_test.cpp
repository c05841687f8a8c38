// Targeted delivery: a broker message naming a session (v5 user property, or a Node-RED msg
// carrying _session) reaches that one client only; an unknown session drops it (counted); a
// message without a target fans out by topic as usual.
//
// "Nobody else received it" is proven without sleeping: after the targeted message the test
// publishes an untargeted marker on a topic every client holds. The bridge delivers to each
// client in broker order, so the marker being the first frame a client got proves the targeted
// message never reached it.

#include <set>
#include <string>
#include <vector>

#include "harness/json_text.hpp"
#include "harness/mqtt_v5.hpp"
#include "harness/session_fixture.hpp"

namespace mwb::it {
namespace {

class SessionTargetingTest : public SessionTest {
  protected:
    // The untargeted marker every client in these tests is subscribed to (t/#).
    void publish_marker() { publisher().publish("t/marker", "marker"); }

    // The next --send msg frame is the marker.
    static ::testing::AssertionResult NextIsMarker(WsConnection& connection) {
        return IsMsg(NextJson(connection), "t/marker", "\"marker\"");
    }
};

const char* const kUnknownSession = "00AAAAAAAAAAAAAAAAAAAAAA";
const char* const kUnknownSessionDrops = "mwb_dropped_total{reason=\"unknown_session\"}";

TEST_F(SessionTargetingTest, UserPropertyReachesOnlyTheNamedSessionWithoutTheProperty) {
    start({"--send", "msg"});
    WsConnection& one = connect("/ws/t/%23");
    WsConnection& two = connect("/ws/t/%23");
    WsConnection& three = connect("/ws/t/%23");
    for (WsConnection* client : {&one, &two, &three}) {
        EXPECT_TRUE(IsSessionId(client->session_id())) << client->describe();
    }
    EXPECT_EQ(
        (std::set<std::string>{one.session_id(), two.session_id(), three.session_id()}).size(), 3u)
        << "session ids are distinct";

    publisher().publish("t/x", R"({"n":1})", 0, false,
                        MqttV5::user_properties({{"app", "demo"}, {"session", two.session_id()}}));
    publish_marker();

    rapidjson::Document targeted = NextJson(two);
    const std::string text = JsonText::serialize(targeted);
    EXPECT_TRUE(IsMsg(targeted, "t/x", R"({"n":1})"));
    ASSERT_TRUE(targeted.HasMember("userProperties")) << text;
    EXPECT_TRUE(
        JsonText::same(JsonText::serialize(targeted["userProperties"]), R"({"app":"demo"})"))
        << "the targeting property is removed, the others stay: " << text;
    EXPECT_FALSE(targeted.HasMember("_session")) << text;
    EXPECT_EQ(text.find(two.session_id()), std::string::npos)
        << "the session id appears nowhere in the delivered msg: " << text;
    EXPECT_TRUE(NextIsMarker(two));

    EXPECT_TRUE(NextIsMarker(one)) << "the targeted message reached another client";
    EXPECT_TRUE(NextIsMarker(three)) << "the targeted message reached another client";
}

TEST_F(SessionTargetingTest, TargetingReachesASessionWhateverItsSubscriptions) {
    // A client with no topic gets nothing but messages targeted at it.
    start({"--send", "msg"});
    WsConnection& bare = connect("/ws");
    WsConnection& subscribed = connect("/ws/t/%23");

    publisher().publish("elsewhere/x", "for bare", 0, false,
                        MqttV5::user_properties({{"session", bare.session_id()}}));
    publisher().publish("t/x", "for bare too", 0, false,
                        MqttV5::user_properties({{"session", bare.session_id()}}));
    publish_marker();

    EXPECT_TRUE(IsMsg(NextJson(bare), "elsewhere/x", "\"for bare\""));
    EXPECT_TRUE(IsMsg(NextJson(bare), "t/x", "\"for bare too\""));
    EXPECT_TRUE(NextIsMarker(subscribed));
    // bare is not subscribed to t/marker: one more targeted message closes its stream.
    publisher().publish("elsewhere/y", "last", 0, false,
                        MqttV5::user_properties({{"session", bare.session_id()}}));
    EXPECT_TRUE(IsMsg(NextJson(bare), "elsewhere/y", "\"last\""));
}

TEST_F(SessionTargetingTest, SessionPropertyFlagNamesTheTargetingProperty) {
    start({"--send", "msg", "--session-property", "target"});
    WsConnection& one = connect("/ws/t/%23");
    WsConnection& two = connect("/ws/t/%23");

    // Only "target" targets; "session" is then an ordinary user property, delivered to all.
    publisher().publish("t/targeted", "only two", 0, false,
                        MqttV5::user_properties({{"target", two.session_id()}}));
    publisher().publish("t/everyone", "all", 0, false,
                        MqttV5::user_properties({{"session", two.session_id()}}));

    EXPECT_TRUE(IsMsg(NextJson(two), "t/targeted", "\"only two\""));
    for (WsConnection* client : {&one, &two}) {
        rapidjson::Document msg = NextJson(*client);
        EXPECT_TRUE(IsMsg(msg, "t/everyone", "\"all\"")) << client->describe();
        ASSERT_TRUE(msg.HasMember("userProperties")) << JsonText::serialize(msg);
        EXPECT_EQ(JsonText::string_member(msg["userProperties"], "session"), two.session_id())
            << JsonText::serialize(msg);
    }
}

TEST_F(SessionTargetingTest, SessionJsonDeliversTheInnerPayloadToThatClientOnly) {
    // Plain mode, --send payload: the client receives the inner payload.
    start();
    WsConnection& one = connect("/ws/t/%23");
    WsConnection& two = connect("/ws/t/%23");
    WsConnection& three = connect("/ws/t/%23");

    publisher().publish("t/x", R"({"_session":{"type":"websocket","id":")" + two.session_id() +
                                   R"("},"payload":{"x":1},"topic":"inner/t"})");
    publish_marker();

    std::optional<WsFrame> inner = two.next_message(kDelivery);
    ASSERT_TRUE(inner) << two.describe();
    EXPECT_FALSE(inner->binary);
    EXPECT_TRUE(JsonText::same(inner->payload, R"({"x":1})")) << inner->payload;
    EXPECT_TRUE(ReceivesTexts(one, {"marker"}));
    EXPECT_TRUE(ReceivesTexts(two, {inner->payload, "marker"}));
    EXPECT_TRUE(ReceivesTexts(three, {"marker"}));
}

TEST_F(SessionTargetingTest, SessionJsonInMsgModeCarriesTheInnerTopicAndNoSession) {
    start({"--send", "msg"});
    WsConnection& one = connect("/ws/t/%23");
    WsConnection& two = connect("/ws/t/%23");
    WsConnection& protocol = connect_protocol("/ws/t/%23");

    for (WsConnection* target : {&two, &protocol}) {
        publisher().publish("t/x", R"({"_session":{"type":"websocket","id":")" +
                                       target->session_id() +
                                       R"("},"payload":{"x":1},"topic":"inner/t"})");
    }
    publish_marker();

    rapidjson::Document plain = NextJson(two);
    EXPECT_TRUE(IsMsg(plain, "inner/t", R"({"x":1})"));
    EXPECT_FALSE(plain.HasMember("_session")) << JsonText::serialize(plain);
    EXPECT_TRUE(NextIsMarker(two));

    rapidjson::Document envelope = NextProtocolFrame(protocol);
    EXPECT_EQ(JsonText::string_member(envelope, "type"), "message")
        << JsonText::serialize(envelope);
    EXPECT_TRUE(IsMsg(envelope, "inner/t", R"({"x":1})"));
    EXPECT_FALSE(envelope.HasMember("_session")) << JsonText::serialize(envelope);
    EXPECT_TRUE(IsMsg(NextProtocolFrame(protocol), "t/marker", "\"marker\""));

    EXPECT_TRUE(NextIsMarker(one));
}

TEST_F(SessionTargetingTest, UnknownSessionReachesNobodyAndIsCounted) {
    start({"--send", "msg", "--threads", "2"});
    WsConnection& one = connect("/ws/t/%23");
    WsConnection& two = connect("/ws/t/%23");
    const std::optional<double> before = metric(kUnknownSessionDrops);
    ASSERT_TRUE(before) << "GET /metrics has no " << kUnknownSessionDrops;

    // An id of the promised shape that no connection holds: by user property, then by _session.
    publisher().publish("t/x", "lost", 0, false,
                        MqttV5::user_properties({{"session", kUnknownSession}}));
    publisher().publish("t/x", std::string(R"({"_session":{"type":"websocket","id":")") +
                                   kUnknownSession + R"("},"payload":"lost too"})");
    publish_marker();

    EXPECT_TRUE(NextIsMarker(one)) << "a message for an unknown session was broadcast";
    EXPECT_TRUE(NextIsMarker(two)) << "a message for an unknown session was broadcast";
    EXPECT_TRUE(MetricReaches(kUnknownSessionDrops, *before + 2));
}

TEST_F(SessionTargetingTest, ClosedSessionReachesNobodyAndIsCounted) {
    start({"--send", "msg"});
    WsConnection& stays = connect("/ws/t/%23");
    WsConnection& leaves = connect("/ws/t/%23");
    const std::string gone = leaves.session_id();
    leaves.close();
    ASSERT_TRUE(leaves.wait_closed(kDelivery)) << leaves.describe();
    // The bridge has forgotten the session once it no longer counts the client.
    ASSERT_TRUE(MetricBecomes("mwb_clients", 1));
    const std::optional<double> before = metric(kUnknownSessionDrops);
    ASSERT_TRUE(before);

    publisher().publish("t/x", "too late", 0, false, MqttV5::user_properties({{"session", gone}}));
    publish_marker();

    EXPECT_TRUE(NextIsMarker(stays)) << "a message for a closed session was broadcast";
    EXPECT_TRUE(MetricReaches(kUnknownSessionDrops, *before + 1));
    EXPECT_EQ(leaves.message_count(), 0u) << leaves.describe();
}

TEST_F(SessionTargetingTest, UntargetedMessagesReachEveryMatchingSubscriber) {
    start({"--send", "msg"});
    WsConnection& hash = connect("/ws/t/%23");
    WsConnection& plus = connect("/ws/t/+");
    WsConnection& exact = connect("/ws?topic=t/x&topic=t/marker");
    WsConnection& other = connect("/ws/other?topic=t/marker");

    // No target: a user property of another name, and a JSON msg without _session.
    publisher().publish("t/x", "with property", 0, false,
                        MqttV5::user_properties({{"user", "someone"}}));
    publisher().publish("t/x", R"({"payload":1,"topic":"elsewhere"})");
    publish_marker();

    for (WsConnection* client : {&hash, &plus, &exact}) {
        EXPECT_TRUE(IsMsg(NextJson(*client), "t/x", "\"with property\"")) << client->describe();
        EXPECT_TRUE(IsMsg(NextJson(*client), "t/x", R"({"payload":1,"topic":"elsewhere"})"))
            << client->describe();
        EXPECT_TRUE(NextIsMarker(*client)) << client->describe();
    }
    EXPECT_TRUE(NextIsMarker(other));
}

}  // namespace
}  // namespace mwb::it
