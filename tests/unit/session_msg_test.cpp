// The `_session` msg is read by one function on both sides: whatever the decoder would deliver
// to a named session, the way in refuses from a client. Checked over a corpus of spellings.
#include "mqttws/session_msg.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mqttws/inbound_publish.hpp"
#include "mqttws/message_decoder.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

// Nested past what the decoder unwraps.
std::string too_deep_session_msg() {
    std::string deep = R"({"_session":{"id":"s"},"payload":)";
    for (int i = 0; i < 600; ++i) deep += "[";
    for (int i = 0; i < 600; ++i) deep += "]";
    return deep + "}";
}

// Payloads around the _session form: some name a session, some only look as if they do.
std::vector<std::string> corpus() {
    return {
        R"({"_session":{"id":"s"}})",
        R"({"_session":{"id":"s"},"topic":"a/bank/transfer","payload":{"FORGED":true}})",
        R"({ "_session" : { "type":"websocket", "id" : "s" } , "payload":"text"})",
        R"({"payload":1,"_session":{"id":"s","extra":[1,2]}})",
        R"({"_sess\u0069on":{"id":"s"},"x":"_session"})",
        R"({"_sess\u0069on":{"id":"s"},"x":"\"_session\""})",
        R"({"_session":1,"_session":{"id":"s"}})",
        R"({"_session":{"id":"s"},"_session":1})",
        R"({"_session":{"id":1}})",
        R"({"_session":{"ID":"s"}})",
        R"({"_session":"s"})",
        R"({"_session":null})",
        R"({"text":"_session"})",
        R"({"text":"\"_session\""})",
        R"(["_session",{"_session":{"id":"s"}}])",
        R"({"inner":{"_session":{"id":"s"}}})",
        R"("{\"_session\":{\"id\":\"s\"}}")",
        R"({"_session":{"id":"s"})",
        "{\"_session\":{\"id\":\"s\0\"}}"s,
        too_deep_session_msg(),
        "",
        "plain text with \"_session\"",
    };
}

bool decoder_targets(const std::string& payload) {
    Message msg;
    msg.mqtt_topic = "b/x";
    msg.payload = payload;
    DecodeOptions options;
    options.reply_topic_prefix = "mqtt-ws-bridge/reply/i/";
    options.reply_topics_root = "mqtt-ws-bridge/reply/";
    return decode_message(msg, options) != DecodeResult::ok || msg.target_session.has_value();
}

TEST(RefuseSessionPayload, RefusesEveryPayloadTheDecoderWouldTarget) {
    for (const std::string& payload : corpus()) {
        if (decoder_targets(payload)) {
            EXPECT_TRUE(refuse_session_payload(payload)) << "published: " << payload;
        }
    }
}

TEST(RefuseSessionPayload, NamesTheReason) {
    const auto refused = refuse_session_payload(R"({"_session":{"id":"s"},"payload":1})");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, error_code::not_allowed);
    EXPECT_NE(refused->message.find("_session"), std::string::npos) << refused->message;
}

TEST(RefuseSessionPayload, AllowsPayloadsThatOnlyMentionIt) {
    for (const std::string& payload :
         {R"({"text":"_session"})"s, R"({"text":"\"_session\""})"s, R"({"_session":"s"})"s,
          R"({"_session":{"id":1}})"s, R"({"inner":{"_session":{"id":"s"}}})"s,
          R"(["_session",{"_session":{"id":"s"}}])"s, R"("{\"_session\":{\"id\":\"s\"}}")"s,
          "plain text with \"_session\""s}) {
        EXPECT_FALSE(refuse_session_payload(payload)) << payload;
        EXPECT_FALSE(decoder_targets(payload)) << payload;
    }
}

TEST(ReadSessionMsg, TooDeepIsStillASessionMsg) {
    const std::string deep = too_deep_session_msg();
    const auto msg = read_session_msg(deep);
    ASSERT_TRUE(msg);
    EXPECT_TRUE(msg->too_deep);
    EXPECT_EQ(msg->session, "s");
    EXPECT_TRUE(refuse_session_payload(deep));
}

TEST(ReadSessionMsg, InnerTopicAndPayload) {
    auto msg = read_session_msg(R"({"_session":{"id":"s"},"topic":"t","payload":{"a":[1]}})");
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->topic, "t");
    EXPECT_EQ(msg->payload, R"({"a":[1]})");
    EXPECT_EQ(msg->kind, PayloadKind::json);

    msg = read_session_msg(R"({"_session":{"id":"s"},"topic":7,"payload":"text"})");
    ASSERT_TRUE(msg);
    EXPECT_FALSE(msg->topic);
    EXPECT_EQ(msg->payload, "text");
    EXPECT_EQ(msg->kind, PayloadKind::string);
}

}  // namespace
}  // namespace mqttws
