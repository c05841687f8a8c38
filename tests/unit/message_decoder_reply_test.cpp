// decode_message and reply topics: a message on
// <reply-prefix>/<instance-id>/<session>[/...] targets that session.
#include <gtest/gtest.h>

#include <string>

#include "mqttws/message_decoder.hpp"

namespace mqttws {
namespace {

Message from_broker(std::string topic, std::string payload = "answer") {
    Message msg;
    msg.mqtt_topic = std::move(topic);
    msg.payload = std::move(payload);
    msg.msgid = "00000000000000bb";
    return msg;
}

DecodeOptions with_reply_prefix(std::string prefix = "r/i/") {
    DecodeOptions options;
    options.reply_topic_prefix = std::move(prefix);
    return options;
}

TEST(DecodeReplyTopic, SessionLevelTargets) {
    Message msg = from_broker("r/i/SESSION");
    ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "SESSION");
    EXPECT_EQ(msg.topic, "r/i/SESSION");
    EXPECT_EQ(msg.payload, "answer");
}

TEST(DecodeReplyTopic, DeeperLevelsStillTargetTheSession) {
    Message msg = from_broker("r/i/SESSION/more/levels");
    ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "SESSION");
    EXPECT_EQ(msg.topic, "r/i/SESSION/more/levels");
}

TEST(DecodeReplyTopic, ExactPrefixWithoutSessionDoesNotTarget) {
    for (const char* topic : {"r/i/", "r/i", "r/"}) {
        Message msg = from_broker(topic);
        ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
        EXPECT_FALSE(msg.target_session) << topic;
    }
}

TEST(DecodeReplyTopic, OtherTopicsDoNotTarget) {
    for (const char* topic : {"r/ix/SESSION", "r/j/SESSION", "x/r/i/SESSION", "R/i/SESSION"}) {
        Message msg = from_broker(topic);
        ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
        EXPECT_FALSE(msg.target_session) << topic;
    }
}

TEST(DecodeReplyTopic, NoPrefixConfiguredNeverTargets) {
    Message msg = from_broker("r/i/SESSION");
    ASSERT_EQ(decode_message(msg, with_reply_prefix("")), DecodeResult::ok);
    EXPECT_FALSE(msg.target_session);
}

TEST(DecodeReplyTopic, UserPropertyTargetWins) {
    Message msg = from_broker("r/i/SESSION");
    msg.user_properties = {{"session", "OTHER"}};
    ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "OTHER");
    EXPECT_TRUE(msg.user_properties.empty());
}

TEST(DecodeReplyTopic, TargetingUserPropertyIsRemovedOthersKept) {
    Message msg = from_broker("r/i/SESSION");
    msg.user_properties = {{"a", "1"}, {"session", "S2"}, {"b", "2"}};
    ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "S2");
    EXPECT_EQ(msg.user_properties, (UserProperties{{"a", "1"}, {"b", "2"}}));
}

TEST(DecodeReplyTopic, NonTargetingUserPropertiesAreKept) {
    Message msg = from_broker("r/i/SESSION");
    msg.user_properties = {{"a", "1"}, {"Session", "case"}};
    ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "SESSION");
    EXPECT_EQ(msg.user_properties, (UserProperties{{"a", "1"}, {"Session", "case"}}));
}

TEST(DecodeReplyTopic, ReplyTopicTargetIsNotOverriddenByAPayloadSession) {
    Message msg = from_broker("r/i/SESSION", R"({"_session":{"id":"FROMPAYLOAD"},"payload":1})");
    ASSERT_EQ(decode_message(msg, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "SESSION");
    // Targeted already: the payload is passed on as it came.
    EXPECT_EQ(msg.payload, R"({"_session":{"id":"FROMPAYLOAD"},"payload":1})");
    EXPECT_EQ(msg.kind, PayloadKind::json);
}

TEST(DecodeReplyTopic, MatchedOnTheMqttTopicBeforeStripping) {
    DecodeOptions options = with_reply_prefix("site/r/i/");
    options.strip_prefix = "site/";
    Message msg = from_broker("site/r/i/SESSION");
    ASSERT_EQ(decode_message(msg, options), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "SESSION");
    EXPECT_EQ(msg.topic, "r/i/SESSION");
}

DecodeOptions with_reply_root() {
    DecodeOptions options = with_reply_prefix("r/i/");
    options.reply_topics_root = "r/";
    return options;
}

TEST(DecodeReplyTopicRoot, AnyInstancesReplyTopicTargetsItsSession) {
    // Another instance's answer is targeted, so it is never broadcast to this
    // instance's subscribers of '#': session routing then finds it not local.
    for (const char* topic : {"r/i/SESSION", "r/j/SESSION", "r/other-instance/SESSION/deeper"}) {
        Message msg = from_broker(topic);
        ASSERT_EQ(decode_message(msg, with_reply_root()), DecodeResult::ok);
        EXPECT_EQ(msg.target_session, "SESSION") << topic;
        EXPECT_EQ(msg.topic, topic);
    }
}

TEST(DecodeReplyTopicRoot, UntargetedTopics) {
    // Without both an instance and a session level, or outside the root.
    for (const char* topic : {"r/", "r", "r/i", "r/i/", "r//SESSION", "r/i//x", "rx/i/SESSION",
                              "x/r/i/SESSION", "R/i/SESSION", "s/i/SESSION"}) {
        Message msg = from_broker(topic);
        ASSERT_EQ(decode_message(msg, with_reply_root()), DecodeResult::ok);
        EXPECT_FALSE(msg.target_session) << topic;
    }
}

TEST(DecodeReplyTopicRoot, UserPropertyStillWins) {
    Message msg = from_broker("r/j/SESSION");
    msg.user_properties = {{"session", "OTHER"}};
    ASSERT_EQ(decode_message(msg, with_reply_root()), DecodeResult::ok);
    EXPECT_EQ(msg.target_session, "OTHER");
}

TEST(DecodeReplyTopic, OnlyTheSessionsOwnReplyTopicIsMarkedAsSuch) {
    // A reply topic names the session it answers: permissions do not apply.
    Message reply = from_broker("r/i/SESSION");
    ASSERT_EQ(decode_message(reply, with_reply_prefix()), DecodeResult::ok);
    EXPECT_TRUE(reply.on_reply_topic);

    // A user property naming a session on any other topic is held to that
    // session's permissions.
    Message property = from_broker("sensors/x");
    property.user_properties = {{"session", "SESSION"}};
    ASSERT_EQ(decode_message(property, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(property.target_session, "SESSION");
    EXPECT_FALSE(property.on_reply_topic);

    // On a reply topic, a property naming another session does not borrow it.
    Message borrowed = from_broker("r/i/SESSION");
    borrowed.user_properties = {{"session", "OTHER"}};
    ASSERT_EQ(decode_message(borrowed, with_reply_prefix()), DecodeResult::ok);
    EXPECT_EQ(borrowed.target_session, "OTHER");
    EXPECT_FALSE(borrowed.on_reply_topic);

    Message broadcast = from_broker("sensors/x");
    ASSERT_EQ(decode_message(broadcast, with_reply_prefix()), DecodeResult::ok);
    EXPECT_FALSE(broadcast.on_reply_topic);
}

}  // namespace
}  // namespace mqttws
