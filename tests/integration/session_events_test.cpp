// Connection events (--events-topic) and targeting with an MQTT 3.1.1 bridge (no user
// properties there: the reply topic or a _session payload names the session).

#include <set>
#include <string>
#include <vector>

#include "harness/json_text.hpp"
#include "harness/mqtt_v5.hpp"
#include "harness/session_fixture.hpp"

namespace mwb::it {
namespace {

class SessionEventsTest : public SessionTest {
  protected:
    // The next event on `observer`, parsed.
    static rapidjson::Document NextEvent(MqttSubscriber& observer) {
        mqtt::const_message_ptr message = observer.next_message(kDelivery);
        if (!message) throw std::runtime_error("no connection event arrived in time");
        return JsonText::parse(message->get_payload_str());
    }

    static std::set<std::string> subscriptions_of(const rapidjson::Value& event) {
        std::set<std::string> filters;
        if (!event.IsObject() || !event.HasMember("subscriptions") ||
            !event["subscriptions"].IsArray()) {
            return filters;
        }
        for (const auto& filter : event["subscriptions"].GetArray()) {
            if (filter.IsString()) filters.insert(filter.GetString());
        }
        return filters;
    }

    // {"event":<kind>,"session":<session>,"remote":<non-empty>,"path":"/ws…","subscriptions":[…]}
    static ::testing::AssertionResult IsEvent(const rapidjson::Value& event,
                                              const std::string& kind, const std::string& session,
                                              const std::set<std::string>& subscriptions) {
        const std::string path = JsonText::string_member(event, "path");
        if (JsonText::string_member(event, "event") == kind &&
            JsonText::string_member(event, "session") == session &&
            !JsonText::string_member(event, "remote").empty() && path.rfind("/ws", 0) == 0 &&
            event.HasMember("subscriptions") && event["subscriptions"].IsArray() &&
            subscriptions_of(event) == subscriptions) {
            return ::testing::AssertionSuccess();
        }
        auto failure = ::testing::AssertionFailure() << "expected a '" << kind << "' event for "
                                                     << session << " with subscriptions [";
        for (const auto& filter : subscriptions) failure << " " << filter;
        return failure << " ], got " << JsonText::serialize(event);
    }
};

TEST_F(SessionEventsTest, ConnectAndDisconnectArePublished) {
    start({"--events-topic", "ev/clients"});
    MqttSubscriber& observer = mqtt_subscriber("ev/clients");

    WsConnection& plain = connect("/ws/a/%23?topic=b");
    EXPECT_TRUE(IsEvent(NextEvent(observer), "connect", plain.session_id(), {"a/#", "b"}));
    plain.close();
    ASSERT_TRUE(plain.wait_closed(kDelivery)) << plain.describe();
    EXPECT_TRUE(IsEvent(NextEvent(observer), "disconnect", plain.session_id(), {"a/#", "b"}));

    // A protocol client's subscriptions by op are in its disconnect event.
    WsConnection& protocol = connect_protocol("/ws");
    EXPECT_TRUE(IsEvent(NextEvent(observer), "connect", protocol.session_id(), {}));
    protocol.send_text(R"({"op":"subscribe","id":1,"topics":["c/+"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(protocol), 1));
    protocol.close();
    ASSERT_TRUE(protocol.wait_closed(kDelivery)) << protocol.describe();
    EXPECT_TRUE(IsEvent(NextEvent(observer), "disconnect", protocol.session_id(), {"c/+"}));
}

class SessionMqtt311Test : public SessionTest {};

TEST_F(SessionMqtt311Test, ReplyTopicAndSessionJsonTargetOneClient) {
    start({"--mqtt-version", "3.1.1", "--instance-id", "it10", "--send", "msg"}, MQTTVERSION_3_1_1);
    WsConnection& one = connect("/ws/%23");
    WsConnection& two = connect("/ws/%23");
    WsConnection& three = connect("/ws/%23");

    publisher().publish("mqtt-ws-bridge/reply/it10/" + two.session_id(), "by reply topic");
    publisher().publish("t/x", R"({"_session":{"type":"websocket","id":")" + three.session_id() +
                                   R"("},"payload":"by _session"})");
    publisher().publish("marker", "marker");

    EXPECT_TRUE(IsMsg(NextJson(two), "mqtt-ws-bridge/reply/it10/" + two.session_id(),
                      "\"by reply topic\""));
    EXPECT_TRUE(IsMsg(NextJson(two), "marker", "\"marker\""));
    EXPECT_TRUE(IsMsg(NextJson(three), "t/x", "\"by _session\""));
    EXPECT_TRUE(IsMsg(NextJson(three), "marker", "\"marker\""));
    EXPECT_TRUE(IsMsg(NextJson(one), "marker", "\"marker\""))
        << "a targeted message reached another client";
}

TEST_F(SessionMqtt311Test, ClientPublishGoesOutWithoutV5Properties) {
    start({"--mqtt-version", "3.1.1", "--instance-id", "it10", "--allow-publish",
           "mqtt-ws-bridge/in/#", "--subscribe", "none/#"},
          MQTTVERSION_3_1_1);
    MqttSubscriber& observer = mqtt_subscriber("mqtt-ws-bridge/in/#", MQTTVERSION_3_1_1);
    WsConnection& client = connect("/ws");

    client.send_text("from a 3.1.1 bridge");
    mqtt::const_message_ptr message = observer.next_message(kDelivery);
    ASSERT_TRUE(message) << "the plain-mode frame never reached the broker";
    // The default --inbound-topic names the session: how a 3.1.1 backend knows the sender.
    EXPECT_EQ(message->get_topic(), "mqtt-ws-bridge/in/" + client.session_id());
    EXPECT_EQ(message->get_payload_str(), "from a 3.1.1 bridge");
}

}  // namespace
}  // namespace mwb::it
