// A Node-RED user's flows on the bridge (docs/node-red.md): what plain and msg-mode clients are
// told when a frame is refused, what a msg-mode frame may ask of the publish (qos, retain, a
// Node-RED Buffer), how broker messages render next to Node-RED's websocket out, and
// request/response on an MQTT 3.1.1 bridge.

#include <string>

#include "harness/json_text.hpp"
#include "harness/session_fixture.hpp"

namespace mwb::it {
namespace {

class NodeRedCompatTest : public SessionTest {
  protected:
    // {"type":"error","id":null,"code":code,"message":<holding says>}: msg-mode frames carry no
    // request id.
    static ::testing::AssertionResult IsMsgModeError(const rapidjson::Value& frame,
                                                     const std::string& code,
                                                     const std::string& says) {
        if (JsonText::string_member(frame, "type") == "error" && frame.HasMember("id") &&
            frame["id"].IsNull() && JsonText::string_member(frame, "code") == code &&
            JsonText::string_member(frame, "message").find(says) != std::string::npos) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure() << "expected an error '" << code << "' saying '"
                                             << says << "', got " << JsonText::serialize(frame);
    }
};

const char* const kRefusedNotAllowed =
    "mwb_client_publishes_total{result=\"refused\",reason=\"not_allowed\"}";
const char* const kRefusedInvalid =
    "mwb_client_publishes_total{result=\"refused\",reason=\"invalid\"}";

// Item 3: the default --inbound-topic is not covered by --allow-publish. The refusal is counted
// by reason; a plain payload client gets no frame for it (it would read one as data).
TEST_F(NodeRedCompatTest, PlainFrameToAnUncoveredInboundTopicIsCountedByReasonAndNotAnswered) {
    start({"--allow-publish", "app/#", "--subscribe", "t/#"});
    WsConnection& client = connect("/ws/t/%23");
    ASSERT_TRUE(MetricBecomes(kRefusedNotAllowed, 0));

    client.send_text("hello from a plain client");
    ASSERT_TRUE(MetricReaches(kRefusedNotAllowed, 1));

    // Counted, so handled: the next frame the client gets is the broker's marker.
    publisher().publish("t/marker", "marker");
    EXPECT_TRUE(ReceivesTexts(client, {"marker"}));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

// Item 4: Node-RED's mqtt out publishes msg.qos and msg.retain, and a Buffer as its bytes.
TEST_F(NodeRedCompatTest, MsgModeFramePublishesWithItsQosRetainAndBufferBytes) {
    start({"--send", "msg", "--allow-publish", "app/#", "--subscribe", "none/#"});
    MqttSubscriber& live = mqtt_subscriber("app/#");
    WsConnection& client = connect("/ws");

    client.send_text(R"({"topic":"app/x","payload":{"on":true},"qos":1,"retain":true})");
    client.send_text(R"({"topic":"app/bytes","payload":{"type":"Buffer","data":[0,1,254,255]}})");

    mqtt::const_message_ptr first = live.next_message(kDelivery);
    ASSERT_TRUE(first) << "the msg never reached the broker";
    EXPECT_EQ(first->get_topic(), "app/x");
    EXPECT_EQ(first->get_payload_str(), R"({"on":true})");
    EXPECT_EQ(first->get_qos(), 1);
    mqtt::const_message_ptr second = live.next_message(kDelivery);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->get_topic(), "app/bytes");
    EXPECT_EQ(second->get_payload_str(), std::string("\x00\x01\xfe\xff", 4));

    // Retained: a subscriber that comes later still gets it, marked retained.
    MqttSubscriber& late = mqtt_subscriber("app/x");
    mqtt::const_message_ptr kept = late.next_message(kDelivery);
    ASSERT_TRUE(kept) << "app/x was not retained";
    EXPECT_TRUE(kept->is_retained());
    EXPECT_EQ(kept->get_payload_str(), R"({"on":true})");
}

TEST_F(NodeRedCompatTest, MsgModeBufferThatIsNotBytesIsAnError) {
    start({"--send", "msg", "--allow-publish", "app/#", "--subscribe", "none/#"});
    WsConnection& client = connect("/ws");
    client.send_text(R"({"topic":"app/x","payload":{"type":"Buffer","data":[1,256]}})");
    EXPECT_TRUE(IsMsgModeError(NextJson(client), "bad_request", "0 to 255"));
}

// Item 5: every refusal of a msg-mode frame is answered, and says what was wrong.
TEST_F(NodeRedCompatTest, MsgModeRefusalsSayWhatWasWrong) {
    start({"--send", "msg", "--allow-publish", "app/#", "--subscribe", "none/#"});
    MqttSubscriber& observer = mqtt_subscriber("#");
    WsConnection& client = connect("/ws");

    client.send_text("hello");
    EXPECT_TRUE(IsMsgModeError(NextJson(client), "bad_json", "not valid JSON"));
    client.send_text(std::string(40, '[') + std::string(40, ']'));
    EXPECT_TRUE(IsMsgModeError(NextJson(client), "bad_json", "nested deeper than 32 levels"));
    client.send_text("[1,2]");
    EXPECT_TRUE(IsMsgModeError(NextJson(client), "bad_request", "got an array"));
    client.send_text(R"({"topic":"other/x","payload":"refused"})");
    EXPECT_TRUE(IsMsgModeError(NextJson(client), "not_allowed", "other/x"));
    ASSERT_TRUE(MetricReaches(kRefusedInvalid, 3));
    ASSERT_TRUE(MetricReaches(kRefusedNotAllowed, 1));

    // Nothing refused reached the broker: the first thing it forwards is the allowed one.
    client.send_text(R"({"topic":"app/ok","payload":"allowed"})");
    mqtt::const_message_ptr seen = observer.next_message(kDelivery);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->get_topic(), "app/ok");
}

// Item 6, plain payload clients: Node-RED's websocket out sends a JSON string's text and
// nothing for an empty payload.
TEST_F(NodeRedCompatTest, PayloadModeRendersLikeNodeRedWebsocketOut) {
    start({"--subscribe", "t/#"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/string", R"("quoted")");
    publisher().publish("t/empty", "");
    publisher().publish("t/json", R"({"a": 1})");
    publisher().publish("t/marker", "marker");
    EXPECT_TRUE(ReceivesTexts(client, {"quoted", R"({"a": 1})", "marker"}));
}

// Item 6, msg clients: repeated user properties and the payload format indicator as Node-RED's
// mqtt in gives them.
TEST_F(NodeRedCompatTest, MsgModeCarriesEveryUserPropertyValueAndThePayloadFormatIndicator) {
    start({"--send", "msg", "--subscribe", "t/#"});
    WsConnection& client = connect("/ws/t/%23");
    mqtt::properties properties{
        {mqtt::property::USER_PROPERTY, "a", "1"},
        {mqtt::property::USER_PROPERTY, "b", "x"},
        {mqtt::property::USER_PROPERTY, "a", "2"},
        {mqtt::property::PAYLOAD_FORMAT_INDICATOR, 1},
    };
    publisher().publish("t/props", "p", 0, false, properties);

    rapidjson::Document msg = NextJson(client);
    const std::string text = JsonText::serialize(msg);
    ASSERT_TRUE(msg.HasMember("userProperties")) << text;
    EXPECT_TRUE(JsonText::same(JsonText::serialize(msg["userProperties"]),
                               R"({"a":"[\"1\",\"2\"]","b":"x"})"))
        << text;
    ASSERT_TRUE(msg.HasMember("payloadFormatIndicator") && msg["payloadFormatIndicator"].IsBool())
        << text;
    EXPECT_TRUE(msg["payloadFormatIndicator"].GetBool()) << text;
}

// Item 6, targeting: a Node-RED msg naming a websocket session keeps its fields; one naming a
// session of another transport reaches nobody (Node-RED would broadcast it).
TEST_F(NodeRedCompatTest, SessionMsgKeepsItsFieldsAndOtherSessionTypesAreDropped) {
    start({"--send", "msg"});
    WsConnection& client = connect("/ws");
    const std::string session = client.session_id();
    const std::string series = "mwb_dropped_total{reason=\"session_type\"}";

    publisher().publish(
        "t/x", R"({"_session":{"type":"tcp","id":")" + session + R"("},"payload":"not yours"})");
    ASSERT_TRUE(MetricReaches(series, 1));
    publisher().publish("t/x", R"({"_session":{"type":"websocket","id":")" + session +
                                   R"("},"payload":"yours","qos":2,"_msgid":"m-1","extra":[1]})");

    rapidjson::Document msg = NextJson(client);
    const std::string text = JsonText::serialize(msg);
    EXPECT_TRUE(IsMsg(msg, "t/x", R"("yours")")) << text;
    EXPECT_EQ(JsonText::string_member(msg, "_msgid"), "m-1") << text;
    ASSERT_TRUE(msg.HasMember("qos") && msg["qos"].IsInt()) << text;
    EXPECT_EQ(msg["qos"].GetInt(), 2) << text;
    ASSERT_TRUE(msg.HasMember("extra")) << text;
    EXPECT_TRUE(JsonText::same(JsonText::serialize(msg["extra"]), "[1]")) << text;
    EXPECT_FALSE(msg.HasMember("_session")) << text;
}

// Item 7: MQTT 3.1.1 carries no correlationData or responseTopic, so a request could never be
// answered: it is refused, and an ordinary publish still works.
TEST_F(NodeRedCompatTest, RequestOnAnMqtt311BridgeIsRefusedClearly) {
    start({"--mqtt-version", "3.1.1", "--allow-publish", "app/#", "--subscribe", "none/#"},
          MQTTVERSION_3_1_1);
    WsConnection& client = connect_protocol();
    client.send_text(
        R"({"op":"publish","id":1,"topic":"app/req","payload":"q","correlationData":"c-1"})");
    client.send_text(R"({"op":"publish","id":2,"topic":"app/plain","payload":"p"})");
    rapidjson::Document refused = NextProtocolFrame(client);
    EXPECT_TRUE(IsError(refused, 1, "not_supported"));
    EXPECT_NE(JsonText::string_member(refused, "message").find("3.1.1"), std::string::npos)
        << JsonText::serialize(refused);
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 2));
    EXPECT_TRUE(MetricReaches(
        "mwb_client_publishes_total{result=\"refused\",reason=\"not_supported\"}", 1));
}

}  // namespace
}  // namespace mwb::it
