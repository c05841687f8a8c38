// Publishing from WebSocket clients is allowed only to topics matching --allow-publish (none by
// default). A refused publish gets an error frame (protocol mode) or is counted (plain mode) and
// never reaches the broker: an MQTT observer on '#' sees a later message first.

#include <string>

#include "harness/json_text.hpp"
#include "harness/mqtt_v5.hpp"
#include "harness/session_fixture.hpp"

namespace mwb::it {
namespace {

class SessionPublishAclTest : public SessionTest {
  protected:
    // The next message `observer` saw has this topic and payload.
    static ::testing::AssertionResult NextSeenIs(MqttSubscriber& observer, const std::string& topic,
                                                 const std::string& payload) {
        mqtt::const_message_ptr message = observer.next_message(kDelivery);
        if (!message) {
            return ::testing::AssertionFailure()
                   << "nothing reached the broker; expected '" << topic << "'";
        }
        if (message->get_topic() == topic && message->get_payload_str() == payload) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure() << "expected topic '" << topic << "' payload '"
                                             << payload << "', saw " << MqttV5::describe(*message);
    }
};

const char* const kRefusedPublishes =
    "mwb_client_publishes_total{result=\"refused\",reason=\"not_allowed\"}";

TEST_F(SessionPublishAclTest, PublishOutsideAllowPublishIsRefusedAndNeverReachesTheBroker) {
    start({"--allow-publish", "ok/#", "--subscribe", "none/#"});
    MqttSubscriber& observer = mqtt_subscriber("#");
    WsConnection& client = connect_protocol();

    client.send_text(R"({"op":"publish","id":1,"topic":"no/x","payload":"refused","qos":1})");
    client.send_text(R"({"op":"publish","id":2,"topic":"okay","payload":"refused","qos":0})");
    client.send_text(R"({"op":"publish","id":3,"topic":"no/y","payload":"x","broadcast":true})");
    client.send_text(R"({"op":"publish","id":4,"topic":"ok/1","payload":"allowed","qos":1})");
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 1, "not_allowed"));
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 2, "not_allowed"));
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 3, "not_allowed"));
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 4));

    // The refused publishes came first on the same connection: had any been published, the
    // observer would have seen it before the allowed one.
    EXPECT_TRUE(NextSeenIs(observer, "ok/1", "allowed"));
}

TEST_F(SessionPublishAclTest, WithoutAllowPublishEveryPublishIsRefused) {
    start({"--subscribe", "none/#"});
    MqttSubscriber& observer = mqtt_subscriber("#");
    WsConnection& client = connect_protocol();

    const char* const topics[] = {"a", "x/y/z", "mqtt-ws-bridge/in/abc", "none/1"};
    long long id = 0;
    for (const char* topic : topics) {
        client.send_text(R"({"op":"publish","id":)" + std::to_string(++id) + R"(,"topic":")" +
                         topic + R"(","payload":"p","qos":1})");
        client.send_text(R"({"op":"publish","id":)" + std::to_string(++id) + R"(,"topic":")" +
                         topic + R"(","payload":"p","broadcast":true})");
    }
    for (long long expected = 1; expected <= id; ++expected) {
        EXPECT_TRUE(IsError(NextProtocolFrame(client), expected, "not_allowed"));
    }

    // Every refusal has been answered; a marker from another client is the first thing the
    // broker forwards.
    publisher().publish("marker", "marker");
    EXPECT_TRUE(NextSeenIs(observer, "marker", "marker"));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

TEST_F(SessionPublishAclTest, PlainFrameIsPublishedToTheInboundTopicWithTheSession) {
    start({"--allow-publish", "mqtt-ws-bridge/in/#", "--instance-id", "it6", "--subscribe",
           "none/#"});
    MqttSubscriber& observer = mqtt_subscriber("mqtt-ws-bridge/in/#");
    WsConnection& client = connect("/ws");
    const std::string session = client.session_id();

    client.send_text("hello from the browser");

    mqtt::const_message_ptr message = observer.next_message(kDelivery);
    ASSERT_TRUE(message) << "the plain-mode frame never reached the broker";
    EXPECT_EQ(message->get_topic(), "mqtt-ws-bridge/in/" + session);
    EXPECT_EQ(message->get_payload_str(), "hello from the browser");
    EXPECT_EQ(MqttV5::user_property(message->get_properties(), "session"), session)
        << MqttV5::describe(*message);
    EXPECT_EQ(MqttV5::response_topic(message->get_properties()),
              "mqtt-ws-bridge/reply/it6/" + session)
        << MqttV5::describe(*message);
}

TEST_F(SessionPublishAclTest, PlainFrameOutsideAllowPublishIsCountedAndNotPublished) {
    start({"--allow-publish", "other/#", "--subscribe", "none/#"});
    MqttSubscriber& observer = mqtt_subscriber("#");
    WsConnection& client = connect("/ws");
    const std::optional<double> before = metric(kRefusedPublishes);
    ASSERT_TRUE(before) << "GET /metrics has no " << kRefusedPublishes;

    client.send_text("not allowed to mqtt-ws-bridge/in/<session>");
    ASSERT_TRUE(MetricReaches(kRefusedPublishes, *before + 1));

    // The refusal has been counted, so the frame was handled: nothing of it is in flight.
    publisher().publish("marker", "marker");
    EXPECT_TRUE(NextSeenIs(observer, "marker", "marker"));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

}  // namespace
}  // namespace mwb::it
