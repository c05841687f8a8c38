// Encoder additions: the dropped notice, --events-topic payloads, invalid
// UTF-8 from the broker, repeated user property names.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mqttws/envelope_encoder.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

const std::string fffd = "\xef\xbf\xbd";

// Parsed strictly: a text frame must be valid UTF-8.
rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << "not valid JSON: " << ::testing::PrintToString(text);
    EXPECT_TRUE(doc.IsObject()) << ::testing::PrintToString(text);
    if (doc.HasParseError() || !doc.IsObject()) doc.SetObject();  // safe to look into
    return doc;
}

// object[key], or (with a failure) a null value when it is missing.
const rapidjson::Value& member(const rapidjson::Value& object, const char* key) {
    static const rapidjson::Value null;
    const auto it = object.FindMember(key);
    if (it == object.MemberEnd()) {
        ADD_FAILURE() << "no member " << key;
        return null;
    }
    return it->value;
}

// array[i] as a string, or (with a failure) "" when it is not there.
std::string item(const rapidjson::Value& array, rapidjson::SizeType i) {
    if (!array.IsArray() || i >= array.Size() || !array[i].IsString()) {
        ADD_FAILURE() << "no string item " << i;
        return {};
    }
    return std::string(array[i].GetString(), array[i].GetStringLength());
}

std::string str(const rapidjson::Value& object, const char* key) {
    if (!object.IsObject()) {
        ADD_FAILURE() << "not an object, looking for " << key;
        return {};
    }
    const auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsString()) {
        ADD_FAILURE() << "no string member " << key;
        return {};
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

Message basic() {
    Message msg;
    msg.mqtt_topic = "a/b";
    msg.topic = "a/b";
    msg.payload = "hi";
    msg.kind = PayloadKind::string;
    msg.msgid = "0123456789abcdef";
    return msg;
}

// ------------------------------------------------------------ encode_dropped

TEST(EncodeDropped, TypeAndCount) {
    const std::string text = encode_dropped(17);
    EXPECT_EQ(text, R"({"type":"dropped","count":17})");
    const auto doc = parse(text);
    EXPECT_EQ(str(doc, "type"), "dropped");
    ASSERT_TRUE(member(doc, "count").IsUint64());
    EXPECT_EQ(member(doc, "count").GetUint64(), 17u);
    EXPECT_EQ(doc.MemberCount(), 2u);
}

TEST(EncodeDropped, ZeroAndLargestCounts) {
    const auto zero = parse(encode_dropped(0));
    ASSERT_TRUE(member(zero, "count").IsUint64());
    EXPECT_EQ(member(zero, "count").GetUint64(), 0u);
    const auto max = std::numeric_limits<std::uint64_t>::max();
    const auto doc = parse(encode_dropped(max));
    ASSERT_TRUE(member(doc, "count").IsUint64());
    EXPECT_EQ(member(doc, "count").GetUint64(), max);
}

// ------------------------------------------------------------ encode_connection_event

TEST(EncodeConnectionEvent, Fields) {
    const auto doc =
        parse(encode_connection_event("connect", "05abcdefghijklmnopqrstuv", "127.0.0.1:50122",
                                      "/ws/sensors/+/temp", {"sensors/+/temp", "alerts/#"}));
    EXPECT_EQ(doc.MemberCount(), 5u);
    EXPECT_EQ(str(doc, "event"), "connect");
    EXPECT_EQ(str(doc, "session"), "05abcdefghijklmnopqrstuv");
    EXPECT_EQ(str(doc, "remote"), "127.0.0.1:50122");
    EXPECT_EQ(str(doc, "path"), "/ws/sensors/+/temp");
    ASSERT_TRUE(member(doc, "subscriptions").IsArray());
    const auto& subs = member(doc, "subscriptions");
    ASSERT_EQ(subs.Size(), 2u);
    EXPECT_EQ(item(subs, 0), "sensors/+/temp");
    EXPECT_EQ(item(subs, 1), "alerts/#");
}

TEST(EncodeConnectionEvent, UserOnlyWhenTheClientHasOne) {
    const auto doc = parse(encode_connection_event("connect", "S", "r", "/ws", {}, "alice"));
    EXPECT_EQ(doc.MemberCount(), 6u);
    EXPECT_EQ(str(doc, "user"), "alice");
    EXPECT_FALSE(
        parse(encode_connection_event("connect", "S", "r", "/ws", {}, "")).HasMember("user"));
}

TEST(EncodeConnectionEvent, DisconnectWithoutSubscriptions) {
    const auto doc = parse(encode_connection_event("disconnect", "S", "[::1]:4000", "/ws", {}));
    EXPECT_EQ(str(doc, "event"), "disconnect");
    EXPECT_EQ(str(doc, "remote"), "[::1]:4000");
    ASSERT_TRUE(member(doc, "subscriptions").IsArray());
    EXPECT_EQ(member(doc, "subscriptions").Size(), 0u);
}

TEST(EncodeConnectionEvent, SpecialCharactersAreEscaped) {
    const std::string path = "/ws?topic=a\"b\\c\n\x01</script>";
    const auto doc = parse(encode_connection_event("connect", "S", "r", path, {"q\"uote", "\t"}));
    EXPECT_EQ(str(doc, "path"), path);
    EXPECT_EQ(item(member(doc, "subscriptions"), 0), "q\"uote");
    EXPECT_EQ(item(member(doc, "subscriptions"), 1), "\t");
}

TEST(EncodeConnectionEvent, InvalidUtf8IsReplaced) {
    const std::string text =
        encode_connection_event("connect", "S", "r", "/ws/\xff\xfe", {"a/\xc3", "ok/\xc3\xa9"});
    const auto doc = parse(text);
    EXPECT_EQ(str(doc, "path"), "/ws/" + fffd + fffd);
    EXPECT_EQ(item(member(doc, "subscriptions"), 0), "a/" + fffd);
    EXPECT_EQ(item(member(doc, "subscriptions"), 1), "ok/\xc3\xa9");
}

// ------------------------------------------------------------ invalid UTF-8 in msg fields

TEST(EncodeInvalidUtf8, TopicIsRepaired) {
    Message msg = basic();
    msg.topic = "a/\xff/b\xc0\xaf";
    for (const std::string& text : {encode_msg_json(msg), encode_message_envelope(msg)}) {
        const auto doc = parse(text);
        EXPECT_EQ(str(doc, "topic"), "a/" + fffd + "/b" + fffd + fffd);
    }
}

TEST(EncodeInvalidUtf8, UserPropertiesAreRepaired) {
    Message msg = basic();
    msg.user_properties = {{"k\xfe", "v\xed\xa0\x80"}, {"good", "caf\xc3\xa9"}};
    for (const std::string& text : {encode_msg_json(msg), encode_message_envelope(msg)}) {
        const auto doc = parse(text);
        ASSERT_TRUE(doc.HasMember("userProperties"));
        const auto& props = member(doc, "userProperties");
        ASSERT_TRUE(props.IsObject());
        EXPECT_EQ(props.MemberCount(), 2u);
        EXPECT_EQ(str(props, ("k" + fffd).c_str()), "v" + fffd + fffd + fffd);
        EXPECT_EQ(str(props, "good"), "caf\xc3\xa9");
    }
}

TEST(EncodeInvalidUtf8, OtherTextPropertiesAreRepaired) {
    Message msg = basic();
    msg.response_topic = "reply/\x80";
    msg.content_type = "text/\xff";
    const auto doc = parse(encode_msg_json(msg));
    EXPECT_EQ(str(doc, "responseTopic"), "reply/" + fffd);
    EXPECT_EQ(str(doc, "contentType"), "text/" + fffd);
}

// ------------------------------------------------------------ repeated user properties

TEST(EncodeUserProperties, RepeatedNameGivesOneKeyHoldingEveryValue) {
    Message msg = basic();
    msg.user_properties = {{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}, {"a", "5"}};
    const std::string text = encode_msg_json(msg);
    const auto doc = parse(text);
    const auto& props = member(doc, "userProperties");
    ASSERT_TRUE(props.IsObject());
    // RapidJSON keeps duplicate keys: count them.
    int a_keys = 0;
    for (const auto& m : props.GetObject()) a_keys += std::string(m.name.GetString()) == "a";
    EXPECT_EQ(a_keys, 1) << text;
    EXPECT_EQ(props.MemberCount(), 3u) << text;
    // As Node-RED's mqtt in: the JSON text of the values, in order.
    EXPECT_EQ(str(props, "a"), R"(["1","3","5"])");
    EXPECT_EQ(str(props, "b"), "2");
    EXPECT_EQ(str(props, "c"), "4");
}

TEST(EncodeUserProperties, DistinctNamesAllKeptInOrder) {
    Message msg = basic();
    msg.user_properties = {{"z", "1"}, {"y", "2"}, {"x", ""}};
    const auto doc = parse(encode_message_envelope(msg));
    const auto& props = member(doc, "userProperties");
    ASSERT_TRUE(props.IsObject());
    ASSERT_EQ(props.MemberCount(), 3u);
    std::vector<std::string> names;
    for (const auto& m : props.GetObject()) names.emplace_back(m.name.GetString());
    EXPECT_EQ(names, (std::vector<std::string>{"z", "y", "x"}));
    EXPECT_EQ(str(props, "x"), "");
}

TEST(EncodeUserProperties, NamesThatDifferOnlyInCaseAreDistinct) {
    Message msg = basic();
    msg.user_properties = {{"Key", "1"}, {"key", "2"}};
    const auto doc = parse(encode_msg_json(msg));
    const auto& props = member(doc, "userProperties");
    ASSERT_TRUE(props.IsObject());
    EXPECT_EQ(props.MemberCount(), 2u);
    EXPECT_EQ(str(props, "Key"), "1");
    EXPECT_EQ(str(props, "key"), "2");
}

}  // namespace
}  // namespace mqttws
