// What a message looks like on the wire: plain payload vs the whole msg (--send msg), text vs
// binary frames, the --payload modes, MQTT v5 properties and an MQTT 3.1.1 bridge.

#include <string>

#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

class PayloadTest : public BridgeTest {};

const std::string kNonUtf8("\xff\xfe\x00", 3);

std::string frame_text(const WsFrame& frame) {
    return std::string(frame.binary ? "binary" : "text") + " frame '" + frame.payload + "'";
}

TEST_F(PayloadTest, PlainModeSendsJsonAndStringPayloadsAsTextFrames) {
    start();
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/json", R"({"a":1})");
    publisher().publish("t/string", "hello world");
    publisher().publish("t/number", "42");
    publisher().publish("t/utf8", "h\xc3\xa9llo \xe2\x9c\x93");

    ASSERT_TRUE(client.wait_for_messages(4, kDelivery)) << client.describe();
    const auto frames = client.messages();
    EXPECT_FALSE(frames[0].binary);
    EXPECT_TRUE(JsonText::same(frames[0].payload, R"({"a":1})")) << frame_text(frames[0]);
    EXPECT_FALSE(frames[1].binary);
    EXPECT_EQ(frames[1].payload, "hello world");
    EXPECT_FALSE(frames[2].binary);
    EXPECT_TRUE(JsonText::same(frames[2].payload, "42")) << frame_text(frames[2]);
    EXPECT_FALSE(frames[3].binary);
    EXPECT_EQ(frames[3].payload, "h\xc3\xa9llo \xe2\x9c\x93");
}

TEST_F(PayloadTest, PlainModeSendsNonUtf8PayloadAsBinaryFrame) {
    start();
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/bytes", kNonUtf8);
    publisher().publish("t/text", "after");

    ASSERT_TRUE(client.wait_for_messages(2, kDelivery)) << client.describe();
    const auto frames = client.messages();
    EXPECT_TRUE(frames[0].binary);
    EXPECT_EQ(frames[0].payload, kNonUtf8);
    EXPECT_FALSE(frames[1].binary);
    EXPECT_EQ(frames[1].payload, "after");
}

TEST_F(PayloadTest, MsgModeSendsTheWholeMsgAsJson) {
    start({"--send", "msg", "--subscribe", "t/#@1"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/json", R"({"a":1})", 1);
    publisher().publish("t/string", "hello", 0);

    rapidjson::Document first = NextJson(client);
    ASSERT_TRUE(first.IsObject());
    EXPECT_EQ(JsonText::string_member(first, "topic"), "t/json");
    ASSERT_TRUE(first.HasMember("payload")) << JsonText::serialize(first);
    EXPECT_TRUE(JsonText::same(JsonText::serialize(first["payload"]), R"({"a":1})"))
        << "payload embedded as JSON: " << JsonText::serialize(first);
    ASSERT_TRUE(first.HasMember("qos") && first["qos"].IsInt()) << JsonText::serialize(first);
    EXPECT_EQ(first["qos"].GetInt(), 1);
    ASSERT_TRUE(first.HasMember("retain") && first["retain"].IsBool())
        << JsonText::serialize(first);
    EXPECT_FALSE(first["retain"].GetBool());
    const std::string id1 = JsonText::string_member(first, "_msgid");
    EXPECT_FALSE(id1.empty()) << "_msgid is a non-empty string: " << JsonText::serialize(first);
    EXPECT_FALSE(first.HasMember("payloadEncoding")) << JsonText::serialize(first);
    EXPECT_FALSE(first.HasMember("_session")) << JsonText::serialize(first);
    EXPECT_FALSE(first.HasMember("userProperties")) << JsonText::serialize(first);

    rapidjson::Document second = NextJson(client);
    EXPECT_EQ(JsonText::string_member(second, "topic"), "t/string");
    EXPECT_EQ(JsonText::string_member(second, "payload"), "hello") << JsonText::serialize(second);
    ASSERT_TRUE(second.HasMember("qos") && second["qos"].IsInt()) << JsonText::serialize(second);
    EXPECT_EQ(second["qos"].GetInt(), 0);
    const std::string id2 = JsonText::string_member(second, "_msgid");
    EXPECT_FALSE(id2.empty());
    EXPECT_NE(id1, id2) << "_msgid is unique per message";
}

TEST_F(PayloadTest, MsgModeCarriesBinaryPayloadAsBase64) {
    start({"--send", "msg"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/bytes", kNonUtf8);

    rapidjson::Document msg = NextJson(client);
    EXPECT_EQ(JsonText::string_member(msg, "topic"), "t/bytes");
    EXPECT_EQ(JsonText::string_member(msg, "payload"), "//4A") << JsonText::serialize(msg);
    EXPECT_EQ(JsonText::string_member(msg, "payloadEncoding"), "base64")
        << JsonText::serialize(msg);
}

TEST_F(PayloadTest, MqttV5PropertiesAreVisibleInMsgMode) {
    start({"--send", "msg"});
    WsConnection& client = connect("/ws/t/%23");
    mqtt::properties properties{
        {mqtt::property::USER_PROPERTY, "colour", "blue"},
        {mqtt::property::USER_PROPERTY, "origin", "integration-test"},
        {mqtt::property::CONTENT_TYPE, "text/plain"},
        {mqtt::property::RESPONSE_TOPIC, "replies/here"},
        {mqtt::property::CORRELATION_DATA, "corr-42"},
        {mqtt::property::MESSAGE_EXPIRY_INTERVAL, 3600},
    };
    publisher().publish("t/props", "with properties", 0, false, properties);

    rapidjson::Document msg = NextJson(client);
    const std::string text = JsonText::serialize(msg);
    EXPECT_EQ(JsonText::string_member(msg, "payload"), "with properties") << text;
    ASSERT_TRUE(msg.HasMember("userProperties") && msg["userProperties"].IsObject()) << text;
    EXPECT_TRUE(JsonText::same(JsonText::serialize(msg["userProperties"]),
                               R"({"colour":"blue","origin":"integration-test"})"))
        << text;
    EXPECT_EQ(JsonText::string_member(msg, "contentType"), "text/plain") << text;
    EXPECT_EQ(JsonText::string_member(msg, "responseTopic"), "replies/here") << text;
    EXPECT_TRUE(msg.HasMember("correlationData")) << text;
    if (msg.HasMember("correlationData") && msg["correlationData"].IsString()) {
        EXPECT_EQ(JsonText::string_member(msg, "correlationData"), "corr-42") << text;
    }
    ASSERT_TRUE(msg.HasMember("messageExpiryInterval") && msg["messageExpiryInterval"].IsNumber())
        << text;
    // The broker counts down the expiry while the message waits; it never grows.
    EXPECT_GT(msg["messageExpiryInterval"].GetDouble(), 0.0) << text;
    EXPECT_LE(msg["messageExpiryInterval"].GetDouble(), 3600.0) << text;
}

TEST_F(PayloadTest, AutoModeParsesPayloadWithJsonContentType) {
    start({"--send", "msg"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/ct", "[1,2,3]", 0, false,
                        mqtt::properties{{mqtt::property::CONTENT_TYPE, "application/json"}});

    rapidjson::Document msg = NextJson(client);
    ASSERT_TRUE(msg.HasMember("payload")) << JsonText::serialize(msg);
    EXPECT_TRUE(JsonText::same(JsonText::serialize(msg["payload"]), "[1,2,3]"))
        << JsonText::serialize(msg);
}

TEST_F(PayloadTest, PayloadStringModeKeepsJsonTextAsString) {
    start({"--payload", "string", "--send", "msg"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/json", R"({"a":1})");
    publisher().publish("t/bytes", kNonUtf8);

    rapidjson::Document first = NextJson(client);
    EXPECT_EQ(JsonText::string_member(first, "payload"), R"({"a":1})")
        << JsonText::serialize(first);
    rapidjson::Document second = NextJson(client);
    EXPECT_EQ(JsonText::string_member(second, "payload"), "//4A") << JsonText::serialize(second);
    EXPECT_EQ(JsonText::string_member(second, "payloadEncoding"), "base64")
        << JsonText::serialize(second);
}

TEST_F(PayloadTest, PayloadBinaryModeSendsBinaryFrames) {
    start({"--payload", "binary"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/text", "plain text");

    std::optional<WsFrame> frame = client.next_message(kDelivery);
    ASSERT_TRUE(frame) << client.describe();
    EXPECT_TRUE(frame->binary);
    EXPECT_EQ(frame->payload, "plain text");
}

TEST_F(PayloadTest, PayloadJsonModeDropsMessagesThatAreNotJson) {
    start({"--payload", "json"});
    WsConnection& client = connect("/ws/t/%23");
    publisher().publish("t/bad", "not json");
    publisher().publish("t/good", R"({"ok":true})");

    ASSERT_TRUE(client.wait_for_messages(1, kDelivery)) << client.describe();
    const auto frames = client.messages();
    ASSERT_EQ(frames.size(), 1u) << client.describe();
    EXPECT_TRUE(JsonText::same(frames[0].payload, R"({"ok":true})")) << frame_text(frames[0]);
}

TEST_F(PayloadTest, Mqtt311BridgeDeliversPayloads) {
    start({"--mqtt-version", "3.1.1"}, MQTTVERSION_3_1_1);
    WsConnection& client = connect("/ws/v3/%23");
    publisher().publish("v3/json", R"({"v":3})");
    publisher().publish("v3/string", "three");
    EXPECT_TRUE(client.wait_for_messages(2, kDelivery)) << client.describe();
    const auto frames = client.messages();
    ASSERT_EQ(frames.size(), 2u) << client.describe();
    EXPECT_TRUE(JsonText::same(frames[0].payload, R"({"v":3})")) << frame_text(frames[0]);
    EXPECT_EQ(frames[1].payload, "three");
}

TEST_F(PayloadTest, Mqtt311BridgeSendsMsgWithoutV5Fields) {
    start({"--mqtt-version", "3.1.1", "--send", "msg"});
    WsConnection& client = connect("/ws/v3/%23");
    // A v5 publisher's properties do not survive a 3.1.1 subscription.
    publisher().publish("v3/json", R"({"v":3})", 0, false,
                        mqtt::properties{{mqtt::property::USER_PROPERTY, "k", "v"}});

    rapidjson::Document msg = NextJson(client);
    const std::string text = JsonText::serialize(msg);
    EXPECT_EQ(JsonText::string_member(msg, "topic"), "v3/json") << text;
    ASSERT_TRUE(msg.HasMember("payload")) << text;
    EXPECT_TRUE(JsonText::same(JsonText::serialize(msg["payload"]), R"({"v":3})")) << text;
    EXPECT_FALSE(msg.HasMember("userProperties")) << text;
    EXPECT_FALSE(JsonText::string_member(msg, "_msgid").empty()) << text;
}

}  // namespace
}  // namespace mwb::it
