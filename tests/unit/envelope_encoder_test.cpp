// Frames sent to clients, parsed back with RapidJSON and checked field by field.
#include "mqttws/envelope_encoder.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "mqttws/base64.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << "not JSON: " << text;
    EXPECT_TRUE(doc.IsObject()) << text;
    return doc;
}

std::string str(const rapidjson::Value& v) {
    EXPECT_TRUE(v.IsString());
    if (!v.IsString()) return {};
    return std::string(v.GetString(), v.GetStringLength());
}

Message basic(PayloadKind kind, std::string payload) {
    Message msg;
    msg.mqtt_topic = "site/sensors/t1";
    msg.topic = "sensors/t1";
    msg.payload = std::move(payload);
    msg.kind = kind;
    msg.qos = 1;
    msg.retain = true;
    msg.msgid = "0123456789abcdef";
    return msg;
}

const char* const v5_fields[] = {"responseTopic", "correlationData", "contentType",
                                 "userProperties", "messageExpiryInterval"};

TEST(EncodeMsgJson, BasicFields) {
    const auto doc = parse(encode_msg_json(basic(PayloadKind::string, "hello")));
    EXPECT_EQ(str(doc["topic"]), "sensors/t1");  // msg.topic, not the broker's topic
    EXPECT_EQ(str(doc["payload"]), "hello");
    ASSERT_TRUE(doc["qos"].IsInt());
    EXPECT_EQ(doc["qos"].GetInt(), 1);
    ASSERT_TRUE(doc["retain"].IsBool());
    EXPECT_TRUE(doc["retain"].GetBool());
    EXPECT_EQ(str(doc["_msgid"]), "0123456789abcdef");
    EXPECT_FALSE(doc.HasMember("type"));
    EXPECT_FALSE(doc.HasMember("payloadEncoding"));
    EXPECT_FALSE(doc.HasMember("_session"));
    for (const char* field : v5_fields) EXPECT_FALSE(doc.HasMember(field)) << field;
}

TEST(EncodeMsgJson, QosZeroAndNotRetained) {
    Message msg = basic(PayloadKind::string, "x");
    msg.qos = 0;
    msg.retain = false;
    const auto doc = parse(encode_msg_json(msg));
    EXPECT_EQ(doc["qos"].GetInt(), 0);
    EXPECT_FALSE(doc["retain"].GetBool());
}

TEST(EncodeMsgJson, JsonPayloadIsEmbedded) {
    const auto doc =
        parse(encode_msg_json(basic(PayloadKind::json, R"({"temp":21.5,"tags":["a","b"]})")));
    const auto& payload = doc["payload"];
    ASSERT_TRUE(payload.IsObject());
    EXPECT_DOUBLE_EQ(payload["temp"].GetDouble(), 21.5);
    ASSERT_TRUE(payload["tags"].IsArray());
    EXPECT_EQ(payload["tags"].Size(), 2u);
    EXPECT_EQ(doc["qos"].GetInt(), 1);  // fields after the raw value still parse
    EXPECT_FALSE(doc.HasMember("payloadEncoding"));
}

TEST(EncodeMsgJson, JsonScalarsAndWhitespaceAreEmbedded) {
    auto doc = parse(encode_msg_json(basic(PayloadKind::json, "42")));
    ASSERT_TRUE(doc["payload"].IsInt());
    EXPECT_EQ(doc["payload"].GetInt(), 42);
    doc = parse(encode_msg_json(basic(PayloadKind::json, "\"text\"")));
    EXPECT_EQ(str(doc["payload"]), "text");
    doc = parse(encode_msg_json(basic(PayloadKind::json, " [1, 2] \n")));
    ASSERT_TRUE(doc["payload"].IsArray());
    doc = parse(encode_msg_json(basic(PayloadKind::json, "null")));
    EXPECT_TRUE(doc["payload"].IsNull());
}

TEST(EncodeMsgJson, JsonLookingStringStaysAString) {
    const auto doc = parse(encode_msg_json(basic(PayloadKind::string, R"({"a":1})")));
    EXPECT_EQ(str(doc["payload"]), R"({"a":1})");
}

TEST(EncodeMsgJson, BinaryPayloadIsBase64) {
    const std::string bytes = "\x00\xff\xfe\x01\x80hello"s;
    const auto doc = parse(encode_msg_json(basic(PayloadKind::binary, bytes)));
    EXPECT_EQ(str(doc["payloadEncoding"]), "base64");
    EXPECT_EQ(str(doc["payload"]), base64_encode(bytes));
    EXPECT_EQ(base64_decode(str(doc["payload"])), bytes);
}

TEST(EncodeMsgJson, EmptyBinaryPayload) {
    const auto doc = parse(encode_msg_json(basic(PayloadKind::binary, "")));
    EXPECT_EQ(str(doc["payload"]), "");
    EXPECT_EQ(str(doc["payloadEncoding"]), "base64");
}

TEST(EncodeMsgJson, ControlCharactersAreEscaped) {
    std::string nasty = "quote\" backslash\\ nl\n cr\r tab\t nul";
    nasty += '\0';
    nasty += " bell\x07 esc\x1b del\x7f end";
    Message msg = basic(PayloadKind::string, nasty);
    msg.topic = "t/\"\n\x01";
    msg.user_properties = {{"k\"\n", "v\\\x02"}};
    const std::string text = encode_msg_json(msg);
    for (char c : text) {
        EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in " << text;
    }
    const auto doc = parse(text);
    EXPECT_EQ(str(doc["payload"]), nasty);
    EXPECT_EQ(str(doc["topic"]), "t/\"\n\x01");
    EXPECT_EQ(str(doc["userProperties"]["k\"\n"]), "v\\\x02");
}

TEST(EncodeMsgJson, NonAsciiTextSurvives) {
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    Message msg = basic(PayloadKind::string, text);
    msg.topic = "caf\xc3\xa9";
    const auto doc = parse(encode_msg_json(msg));
    EXPECT_EQ(str(doc["payload"]), text);
    EXPECT_EQ(str(doc["topic"]), "caf\xc3\xa9");
}

TEST(EncodeMsgJson, V5PropertiesWhenSet) {
    Message msg = basic(PayloadKind::string, "x");
    msg.response_topic = "replies/42";
    msg.correlation_data = "corr-1";
    msg.content_type = "text/plain";
    msg.user_properties = {{"a", "1"}, {"b", "two"}};
    msg.message_expiry_interval = 3600;
    const auto doc = parse(encode_msg_json(msg));
    EXPECT_EQ(str(doc["responseTopic"]), "replies/42");
    EXPECT_EQ(str(doc["correlationData"]), "corr-1");
    EXPECT_FALSE(doc.HasMember("correlationDataEncoding"));
    EXPECT_EQ(str(doc["contentType"]), "text/plain");
    const auto& props = doc["userProperties"];
    ASSERT_TRUE(props.IsObject());
    EXPECT_EQ(props.MemberCount(), 2u);
    EXPECT_EQ(str(props["a"]), "1");
    EXPECT_EQ(str(props["b"]), "two");
    ASSERT_TRUE(doc["messageExpiryInterval"].IsUint());
    EXPECT_EQ(doc["messageExpiryInterval"].GetUint(), 3600u);
}

TEST(EncodeMsgJson, EachV5PropertyIndependently) {
    Message msg = basic(PayloadKind::string, "x");
    msg.content_type = "application/octet-stream";
    auto doc = parse(encode_msg_json(msg));
    EXPECT_TRUE(doc.HasMember("contentType"));
    EXPECT_FALSE(doc.HasMember("responseTopic"));
    EXPECT_FALSE(doc.HasMember("userProperties"));
    EXPECT_FALSE(doc.HasMember("messageExpiryInterval"));

    msg = basic(PayloadKind::string, "x");
    msg.message_expiry_interval = 0;  // present even when zero
    doc = parse(encode_msg_json(msg));
    ASSERT_TRUE(doc.HasMember("messageExpiryInterval"));
    EXPECT_EQ(doc["messageExpiryInterval"].GetUint(), 0u);
    EXPECT_FALSE(doc.HasMember("contentType"));

    msg = basic(PayloadKind::string, "x");
    msg.message_expiry_interval = 4294967295u;
    doc = parse(encode_msg_json(msg));
    EXPECT_EQ(doc["messageExpiryInterval"].GetUint(), 4294967295u);
}

TEST(EncodeMsgJson, BinaryCorrelationDataIsBase64) {
    Message msg = basic(PayloadKind::string, "x");
    msg.correlation_data = "\x01\xff\x00"s;
    const auto doc = parse(encode_msg_json(msg));
    EXPECT_EQ(str(doc["correlationDataEncoding"]), "base64");
    EXPECT_EQ(base64_decode(str(doc["correlationData"])), "\x01\xff\x00"s);
}

TEST(EncodeMsgJson, TargetSessionIsNeverSent) {
    Message msg = basic(PayloadKind::string, "x");
    msg.target_session = "00SECRETSESSIONIDxxxxxxx";
    const std::string text = encode_msg_json(msg);
    EXPECT_EQ(text.find("SECRET"), std::string::npos);
    const auto doc = parse(text);
    EXPECT_FALSE(doc.HasMember("_session"));
    EXPECT_EQ(text, encode_msg_json(basic(PayloadKind::string, "x")));
}

TEST(EncodeMessageEnvelope, TypeMessagePlusMsgFields) {
    Message msg = basic(PayloadKind::json, R"({"a":[true]})");
    msg.user_properties = {{"k", "v"}};
    const auto doc = parse(encode_message_envelope(msg));
    EXPECT_EQ(str(doc["type"]), "message");
    EXPECT_EQ(str(doc["topic"]), "sensors/t1");
    ASSERT_TRUE(doc["payload"].IsObject());
    EXPECT_TRUE(doc["payload"]["a"][0].GetBool());
    EXPECT_EQ(doc["qos"].GetInt(), 1);
    EXPECT_TRUE(doc["retain"].GetBool());
    EXPECT_EQ(str(doc["_msgid"]), "0123456789abcdef");
    EXPECT_EQ(str(doc["userProperties"]["k"]), "v");

    // The same fields as the plain msg form, plus "type".
    const auto plain = parse(encode_msg_json(msg));
    EXPECT_EQ(doc.MemberCount(), plain.MemberCount() + 1);
}

TEST(EncodeMessageEnvelope, Binary) {
    const auto doc = parse(encode_message_envelope(basic(PayloadKind::binary, "\xff\x00"s)));
    EXPECT_EQ(str(doc["type"]), "message");
    EXPECT_EQ(str(doc["payloadEncoding"]), "base64");
    EXPECT_EQ(str(doc["payload"]), "/wA=");
}

TEST(EncodeWelcome, CarriesTheSession) {
    const auto doc = parse(encode_welcome("07abcdefghijklmnopqrstuv"));
    EXPECT_EQ(str(doc["type"]), "welcome");
    EXPECT_EQ(str(doc["session"]), "07abcdefghijklmnopqrstuv");
    EXPECT_EQ(doc.MemberCount(), 2u);
}

TEST(EncodeAck, EchoesTheIdVerbatim) {
    auto doc = parse(encode_ack("7"));
    EXPECT_EQ(str(doc["type"]), "ack");
    EXPECT_EQ(doc["id"].GetInt(), 7);
    EXPECT_EQ(encode_ack("7"), R"({"type":"ack","id":7})");
    EXPECT_EQ(encode_ack(R"("req-1")"), R"({"type":"ack","id":"req-1"})");
    doc = parse(encode_ack("null"));
    EXPECT_TRUE(doc["id"].IsNull());
    doc = parse(encode_ack("1.5"));
    EXPECT_DOUBLE_EQ(doc["id"].GetDouble(), 1.5);
}

TEST(EncodeError, Fields) {
    const auto doc = parse(encode_error("3", "bad_request", "\"topic\" must be a string\n"));
    EXPECT_EQ(str(doc["type"]), "error");
    EXPECT_EQ(doc["id"].GetInt(), 3);
    EXPECT_EQ(str(doc["code"]), "bad_request");
    EXPECT_EQ(str(doc["message"]), "\"topic\" must be a string\n");
    EXPECT_EQ(doc.MemberCount(), 4u);
}

TEST(EncodeError, NullAndStringIds) {
    auto doc = parse(encode_error("null", "bad_json", "not valid JSON"));
    EXPECT_TRUE(doc["id"].IsNull());
    doc = parse(encode_error(R"("a\"b")", "unknown_op", "x"));
    EXPECT_EQ(str(doc["id"]), "a\"b");
}

TEST(EncodeStatus, ConnectedAndDisconnected) {
    auto doc = parse(encode_status(true));
    EXPECT_EQ(str(doc["type"]), "status");
    EXPECT_EQ(str(doc["mqtt"]), "connected");
    doc = parse(encode_status(false));
    EXPECT_EQ(str(doc["type"]), "status");
    EXPECT_EQ(str(doc["mqtt"]), "disconnected");
}

}  // namespace
}  // namespace mqttws
