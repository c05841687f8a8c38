// decode_message: payload classification, --strip-prefix and the target
// session (user property, reply topic, or a Node-RED msg carrying _session).
#include "mqttws/message_decoder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mqttws {
namespace {

Message from_broker(std::string topic, std::string payload) {
    Message msg;
    msg.mqtt_topic = std::move(topic);
    msg.payload = std::move(payload);
    msg.msgid = "00000000000000aa";
    return msg;
}

TEST(StripTopicPrefix, RemovesOnlyAMatchingPrefix) {
    EXPECT_EQ(strip_topic_prefix("site/a/b", "site/"), "a/b");
    EXPECT_EQ(strip_topic_prefix("site/a/b", ""), "site/a/b");
    EXPECT_EQ(strip_topic_prefix("other/a", "site/"), "other/a");
    EXPECT_EQ(strip_topic_prefix("sit", "site/"), "sit");
    // Nothing left after the prefix: the topic is kept whole, never empty.
    EXPECT_EQ(strip_topic_prefix("site/", "site/"), "site/");
}

TEST(DecodeMessage, ClassifiesAndStrips) {
    DecodeOptions options;
    options.strip_prefix = "site/";
    Message msg = from_broker("site/sensors/t", R"({"t":21})");
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.topic, "sensors/t");
    EXPECT_EQ(msg.mqtt_topic, "site/sensors/t");
    EXPECT_EQ(msg.kind, PayloadKind::json);
    EXPECT_EQ(msg.payload, R"({"t":21})");
    EXPECT_FALSE(msg.target_session);

    msg = from_broker("elsewhere", "hello");
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.topic, "elsewhere");
    EXPECT_EQ(msg.kind, PayloadKind::string);

    msg = from_broker("x", std::string("\xff\x00", 2));
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.kind, PayloadKind::binary);
}

TEST(DecodeMessage, EventsTopicIsNeverDecodedForClients) {
    DecodeOptions options;
    options.events_topic = "bridge/events";
    Message msg = from_broker("bridge/events", R"({"event":"connect","session":"s"})");
    EXPECT_EQ(decode_message(msg, options), DecodeResult::events_topic);
    msg = from_broker("bridge/events/x", "{}");
    EXPECT_EQ(decode_message(msg, options), DecodeResult::ok);
    options.events_topic.clear();
    msg = from_broker("bridge/events", "{}");
    EXPECT_EQ(decode_message(msg, options), DecodeResult::ok);
}

TEST(DecodeMessage, JsonModeRefusesNonJson) {
    DecodeOptions options;
    options.payload_mode = PayloadMode::json;
    Message msg = from_broker("x", "not json");
    EXPECT_EQ(decode_message(msg, options), DecodeResult::refused_payload);
    msg = from_broker("x", "[1]");
    EXPECT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.kind, PayloadKind::json);
}

TEST(DecodeMessage, SessionUserPropertyTargetsAndIsRemoved) {
    DecodeOptions options;
    Message msg = from_broker("a", "hi");
    msg.user_properties = {{"trace", "1"}, {"session", "05abc"}, {"other", "2"}};
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "05abc");
    EXPECT_EQ(msg.user_properties, (UserProperties{{"trace", "1"}, {"other", "2"}}));
}

TEST(DecodeMessage, SessionPropertyNameIsConfigurable) {
    DecodeOptions options;
    options.session_property = "ws-session";
    Message msg = from_broker("a", "hi");
    msg.user_properties = {{"session", "not-this"}, {"ws-session", "this"}};
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "this");
    EXPECT_EQ(msg.user_properties, (UserProperties{{"session", "not-this"}}));
}

TEST(DecodeMessage, NoSessionMeansBroadcast) {
    DecodeOptions options;
    Message msg = from_broker("a", R"({"payload":1,"session":"x"})");
    msg.user_properties = {{"Session", "case-differs"}};
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_FALSE(msg.target_session);
    EXPECT_EQ(msg.user_properties.size(), 1u);
}

TEST(DecodeMessage, NodeRedMsgWithSessionTargetsAndUnwraps) {
    DecodeOptions options;
    Message msg = from_broker(
        "replies", R"({"topic":"inner/t","payload":{"v":[1,2]},"_msgid":"m1",)"
                   R"("_session":{"type":"websocket","id":"03abcdefghijklmnopqrstuv"}})");
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "03abcdefghijklmnopqrstuv");
    EXPECT_EQ(msg.kind, PayloadKind::json);
    EXPECT_EQ(msg.payload, R"({"v":[1,2]})");
    EXPECT_EQ(msg.payload.find("_session"), std::string::npos);
    EXPECT_EQ(msg.topic, "inner/t");

    msg = from_broker("replies", R"({"payload":"text","_session":{"id":"s"}})");
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "s");
    EXPECT_EQ(msg.kind, PayloadKind::string);
    EXPECT_EQ(msg.payload, "text");
    EXPECT_EQ(msg.topic, "replies");
}

TEST(DecodeMessage, MalformedSessionObjectsDoNotTarget) {
    DecodeOptions options;
    for (const char* payload :
         {R"({"payload":1,"_session":"id"})", R"({"payload":1,"_session":{"id":5}})",
          R"({"payload":1,"_session":{}})", R"({"payload":1,"_session":null})", R"(["_session"])",
          R"({"payload":{"_session":{"id":"nested"}}})"}) {
        Message msg = from_broker("a", payload);
        ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
        EXPECT_FALSE(msg.target_session) << payload;
        EXPECT_EQ(msg.payload, payload);
    }
}

TEST(DecodeMessage, UserPropertyWinsOverPayloadSession) {
    DecodeOptions options;
    const std::string payload = R"({"payload":1,"_session":{"id":"from-payload"}})";
    Message msg = from_broker("a", payload);
    msg.user_properties = {{"session", "from-property"}};
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "from-property");
}

TEST(DecodeMessage, StringModeDoesNotUnwrap) {
    DecodeOptions options;
    options.payload_mode = PayloadMode::string;
    const std::string payload = R"({"payload":1,"_session":{"id":"s"}})";
    Message msg = from_broker("a", payload);
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.kind, PayloadKind::string);
    EXPECT_FALSE(msg.target_session);
    EXPECT_EQ(msg.payload, payload);
}

std::string nested(int depth, const std::string& inner = "") {
    return std::string(static_cast<std::size_t>(depth), '[') + inner +
           std::string(static_cast<std::size_t>(depth), ']');
}

TEST(DecodeMessage, NestedSessionMsgIsUnwrapped) {
    DecodeOptions options;
    Message msg = from_broker("a", R"({"_session":{"id":"s"},"payload":)" + nested(100) + "}");
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "s");
    EXPECT_EQ(msg.payload, nested(100));
}

TEST(DecodeMessage, DeeplyNestedSessionMsgIsDroppedWithoutCrashing) {
    // A publisher controls the payload: nesting must not exhaust the stack,
    // and a message meant for one session must not be broadcast instead.
    for (int depth : {1000, 1'000'000}) {
        DecodeOptions options;
        Message msg =
            from_broker("a", R"({"_session":{"id":"s"},"payload":)" + nested(depth) + "}");
        EXPECT_EQ(decode_message(msg, options), DecodeResult::refused_payload) << depth;
    }
}

TEST(DecodeMessage, DeeplyNestedUntargetedJsonIsFine) {
    DecodeOptions options;
    const std::string payload = nested(1'000'000, R"({"_session":{"id":"s"}})");
    Message msg = from_broker("a", payload);
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.kind, PayloadKind::json);
    EXPECT_FALSE(msg.target_session);
    EXPECT_EQ(msg.payload, payload);
}

}  // namespace
}  // namespace mqttws
