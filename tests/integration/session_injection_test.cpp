// A client's bytes that come back from the broker never reach another session as a message the
// bridge targets: a payload that names a session (`_session`), in any form and with either MQTT
// version, is refused on the way in, as is a publish onto a reply topic; and the bridge's own
// connection events, which carry session ids, are never forwarded to clients. Alice receives a
// marker targeted at her by a real backend, and nothing before it.

#include <string>
#include <vector>

#include "harness/json_text.hpp"
#include "harness/session_fixture.hpp"
#include "mqttws/base64.hpp"

namespace mwb::it {
namespace {

const char* const kRefusedPublishes =
    "mwb_client_publishes_total{result=\"refused\",reason=\"not_allowed\"}";

class SessionInjectionTest : public SessionTest {
  protected:
    // Bob may publish under b/, which the bridge subscribes to, as does the backend's t/.
    void start_bridge(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--allow-publish", "b/#", "--subscribe",   "b/#",
                                         "--subscribe",     "t/#", "--instance-id", "inj"};
        args.insert(args.end(), extra.begin(), extra.end());
        start(args);
    }

    // A Node-RED "entire message" meant for `session`, presenting a topic Bob may not publish to.
    static std::string forged_msg(const std::string& session) {
        return R"({"_session":{"type":"websocket","id":")" + session +
               R"("},"topic":"a/bank/transfer","payload":{"FORGED":true}})";
    }

    // A real backend targets Alice; nothing forged may arrive before it.
    void publish_marker_for(const std::string& session) {
        publisher().publish("t/marker", R"({"_session":{"id":")" + session +
                                            R"("},"topic":"t/marker","payload":"marker"})");
    }

    static ::testing::AssertionResult NextIsMarkerMsg(const rapidjson::Value& frame) {
        const std::string text = JsonText::serialize(frame);
        if (text.find("FORGED") != std::string::npos) {
            return ::testing::AssertionFailure() << "a forged message arrived: " << text;
        }
        return IsMsg(frame, "t/marker", "\"marker\"");
    }
};

// The issue's repro: broadcast drops the publisher's session property, so without the check the
// payload's _session would target Alice with a topic Bob could not publish to.
TEST_F(SessionInjectionTest, PayloadNamingASessionIsRefusedInEveryForm) {
    start_bridge();
    WsConnection& alice = connect_protocol();
    WsConnection& bob = connect_protocol();
    const std::string forged = forged_msg(alice.session_id());

    bob.send_text(R"({"op":"publish","id":1,"topic":"b/x","broadcast":true,"payload":)" + forged +
                  "}");
    bob.send_text(R"({"op":"publish","id":2,"topic":"b/x","broadcast":true,"payload":)" +
                  JsonText::quote(forged) + "}");
    bob.send_text(R"({"op":"publish","id":3,"topic":"b/x","payload":)" + forged + "}");
    bob.send_text(
        R"({"op":"publish","id":4,"topic":"b/x","broadcast":true,"payloadEncoding":"base64","payload":")" +
        mqttws::base64_encode(forged) + "\"}");
    for (long long id = 1; id <= 4; ++id) {
        EXPECT_TRUE(IsError(NextProtocolFrame(bob), id, "not_allowed")) << "publish " << id;
    }
    // A payload that merely mentions _session is still published.
    bob.send_text(
        R"({"op":"publish","id":5,"topic":"b/x","broadcast":true,"payload":{"text":"_session"}})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(bob), 5));

    publish_marker_for(alice.session_id());
    EXPECT_TRUE(NextIsMarkerMsg(NextProtocolFrame(alice)));
    EXPECT_EQ(alice.state(), WsConnection::State::open) << alice.describe();
}

// MQTT 3.1.1 has no properties: every client publish comes back without a session, so the
// payload is the only place a target could come from.
TEST_F(SessionInjectionTest, MqttV311PublishNamingASessionIsRefused) {
    start_bridge({"--mqtt-version", "3.1.1"});
    WsConnection& alice = connect_protocol();
    WsConnection& bob = connect_protocol();

    bob.send_text(R"({"op":"publish","id":1,"topic":"b/x","payload":)" +
                  forged_msg(alice.session_id()) + "}");
    EXPECT_TRUE(IsError(NextProtocolFrame(bob), 1, "not_allowed"));

    publish_marker_for(alice.session_id());
    EXPECT_TRUE(NextIsMarkerMsg(NextProtocolFrame(alice)));
}

// Plain frames and --send msg frames are published too: the same rule holds for them.
TEST_F(SessionInjectionTest, PlainAndMsgModeFramesNamingASessionAreRefused) {
    start_bridge({"--mqtt-version", "3.1.1", "--send", "msg", "--inbound-topic", "b/in/{session}"});
    WsConnection& alice = connect_protocol();
    WsConnection& bob = connect("/ws");
    const std::optional<double> before = metric(kRefusedPublishes);
    ASSERT_TRUE(before) << "GET /metrics has no " << kRefusedPublishes;

    // --send msg: the frame is a msg object whose payload is what gets published.
    bob.send_text(R"({"topic":"b/x","payload":)" + forged_msg(alice.session_id()) + "}");
    bob.send_text(R"({"topic":"b/x","payload":)" + JsonText::quote(forged_msg(alice.session_id())) +
                  "}");
    ASSERT_TRUE(MetricReaches(kRefusedPublishes, *before + 2));

    publish_marker_for(alice.session_id());
    EXPECT_TRUE(NextIsMarkerMsg(NextProtocolFrame(alice)));
    EXPECT_EQ(bob.state(), WsConnection::State::open) << bob.describe();
}

// A reply topic reaches its session past every permission: only backends may write there.
TEST_F(SessionInjectionTest, PublishOntoAReplyTopicIsRefused) {
    start_bridge({"--allow-publish", "#"});
    WsConnection& alice = connect_protocol();
    WsConnection& bob = connect_protocol();

    const std::string reply = "mqtt-ws-bridge/reply/inj/" + alice.session_id();
    bob.send_text(R"({"op":"publish","id":1,"topic":")" + reply + R"(","payload":"FORGED"})");
    bob.send_text(R"({"op":"publish","id":2,"topic":")" + reply +
                  R"(/x","payload":"FORGED","broadcast":true})");
    bob.send_text(
        R"({"op":"publish","id":3,"topic":"mqtt-ws-bridge/reply/other/s","payload":"FORGED"})");
    for (long long id = 1; id <= 3; ++id) {
        EXPECT_TRUE(IsError(NextProtocolFrame(bob), id, "not_allowed")) << "publish " << id;
    }

    publish_marker_for(alice.session_id());
    EXPECT_TRUE(NextIsMarkerMsg(NextProtocolFrame(alice)));
}

// Connection events name sessions and users: they are for backends, never for clients.
TEST_F(SessionInjectionTest, ConnectionEventsNeverReachClients) {
    start_bridge({"--events-topic", "t/events"});
    MqttSubscriber& backend = mqtt_subscriber("t/events");
    WsConnection& alice = connect_protocol("/ws/t/%23");
    WsConnection& bob = connect_protocol();

    // The backend sees both connects; Alice, subscribed to t/#, sees neither.
    for (int seen = 0; seen < 2; ++seen) {
        mqtt::const_message_ptr event = backend.next_message(kDelivery);
        ASSERT_TRUE(event) << "connection event " << seen + 1 << " never reached the broker";
    }
    bob.close();
    ASSERT_TRUE(bob.wait_closed(kDelivery));
    ASSERT_TRUE(backend.next_message(kDelivery)) << "the disconnect event never reached the broker";
    ASSERT_TRUE(MetricReaches("mwb_dropped_total{reason=\"events_topic\"}", 3));

    publisher().publish("t/marker", "marker");
    EXPECT_TRUE(NextIsMarkerMsg(NextProtocolFrame(alice)));
}

}  // namespace
}  // namespace mwb::it
