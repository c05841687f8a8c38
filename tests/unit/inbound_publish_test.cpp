// The way back: --inbound-topic templates, plain-mode frames as publish
// requests (payload and msg mode), and --allow-publish authorisation.
#include "mqttws/inbound_publish.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mqttws {
namespace {

using namespace std::string_literals;

PublishRequest accepted(std::string_view frame, bool binary, const InboundOptions& options,
                        std::string_view session = "S1") {
    auto result = plain_frame_to_publish(frame, binary, session, options);
    if (auto* error = std::get_if<RequestError>(&result)) {
        ADD_FAILURE() << "refused " << ::testing::PrintToString(std::string(frame)) << ": "
                      << error->code << ": " << error->message;
        return {};
    }
    return std::get<PublishRequest>(std::move(result));
}

RequestError refused(std::string_view frame, bool binary, const InboundOptions& options) {
    auto result = plain_frame_to_publish(frame, binary, "S1", options);
    if (!std::holds_alternative<RequestError>(result)) {
        ADD_FAILURE() << "accepted " << ::testing::PrintToString(std::string(frame));
        return {};
    }
    const RequestError error = std::get<RequestError>(std::move(result));
    EXPECT_FALSE(error.message.empty());
    EXPECT_EQ(error.id_json, "null");
    return error;
}

InboundOptions msg_mode() {
    InboundOptions options;
    options.topic_template = "in/{session}";
    options.msg_mode = true;
    return options;
}

// ------------------------------------------------------------ expand_topic_template

TEST(ExpandTopicTemplate, NoPlaceholderIsUnchanged) {
    EXPECT_EQ(expand_topic_template("fixed/topic", "S1"), "fixed/topic");
    EXPECT_EQ(expand_topic_template("{sess}/{session", "S1"), "{sess}/{session");
    EXPECT_EQ(expand_topic_template("", "S1"), "");
}

TEST(ExpandTopicTemplate, OnePlaceholder) {
    EXPECT_EQ(expand_topic_template("mqtt-ws-bridge/in/{session}", "abc"), "mqtt-ws-bridge/in/abc");
    EXPECT_EQ(expand_topic_template("{session}/up", "abc"), "abc/up");
    EXPECT_EQ(expand_topic_template("a/{session}/b", "abc"), "a/abc/b");
    EXPECT_EQ(expand_topic_template("{session}", "abc"), "abc");
}

TEST(ExpandTopicTemplate, SeveralPlaceholders) {
    EXPECT_EQ(expand_topic_template("{session}/x/{session}/y/{session}", "S"), "S/x/S/y/S");
}

TEST(ExpandTopicTemplate, AdjacentPlaceholders) {
    EXPECT_EQ(expand_topic_template("{session}{session}", "ab"), "abab");
    EXPECT_EQ(expand_topic_template("p/{session}{session}/q", "ab"), "p/abab/q");
}

TEST(ExpandTopicTemplate, SessionTextIsNotReexpanded) {
    // A session id is never a placeholder itself, but the expansion must not
    // loop over what it inserted.
    EXPECT_EQ(expand_topic_template("a/{session}/b", "{session}"), "a/{session}/b");
}

// ------------------------------------------------------------ payload mode

TEST(PlainFrameToPublish, PayloadModeTextFrame) {
    InboundOptions options;
    options.topic_template = "in/{session}";
    const PublishRequest request = accepted(R"({"looks":"like json"})", false, options, "S9");
    EXPECT_EQ(request.topic, "in/S9");
    EXPECT_EQ(request.payload, R"({"looks":"like json"})");  // verbatim, not parsed
    EXPECT_FALSE(request.payload_is_binary);
    EXPECT_EQ(request.qos, 0);
    EXPECT_FALSE(request.retain);
    EXPECT_FALSE(request.broadcast);
}

TEST(PlainFrameToPublish, PayloadModeKeepsTheBinaryFlagAndBytes) {
    InboundOptions options;
    options.topic_template = "in/{session}";
    const std::string bytes = "\x00\xff\x01 not utf-8\xc3"s;
    const PublishRequest request = accepted(bytes, true, options);
    EXPECT_EQ(request.topic, "in/S1");
    EXPECT_EQ(request.payload, bytes);
    EXPECT_TRUE(request.payload_is_binary);
}

TEST(PlainFrameToPublish, PayloadModeEmptyFrame) {
    InboundOptions options;
    const PublishRequest request = accepted("", false, options, "S2");
    EXPECT_EQ(request.topic, "mqtt-ws-bridge/in/S2");  // the documented default
    EXPECT_EQ(request.payload, "");
}

// ------------------------------------------------------------ msg mode

TEST(PlainFrameToPublish, MsgModeTopicInTheObjectChoosesTheTopic) {
    const PublishRequest request =
        accepted(R"({"topic":"chosen/by/client","payload":"hi"})", false, msg_mode());
    EXPECT_EQ(request.topic, "chosen/by/client");
    EXPECT_EQ(request.payload, "hi");
    EXPECT_FALSE(request.payload_is_binary);
}

TEST(PlainFrameToPublish, MsgModeWithoutTopicUsesTheTemplate) {
    const PublishRequest request = accepted(R"({"payload":"hi"})", false, msg_mode(), "S7");
    EXPECT_EQ(request.topic, "in/S7");
    EXPECT_EQ(request.payload, "hi");
}

TEST(PlainFrameToPublish, MsgModeStringPayloadIsTheText) {
    EXPECT_EQ(accepted(R"({"payload":"a \"quoted\" \u00e9"})", false, msg_mode()).payload,
              "a \"quoted\" \xc3\xa9");
    EXPECT_EQ(accepted(R"({"payload":""})", false, msg_mode()).payload, "");
    EXPECT_EQ(accepted(R"({"payload":"a\u0000b"})", false, msg_mode()).payload, "a\0b"s);
}

TEST(PlainFrameToPublish, MsgModeObjectPayloadIsCompactJson) {
    EXPECT_EQ(accepted(R"({"payload": { "t" : 21, "u" : [1, "x"] } })", false, msg_mode()).payload,
              R"({"t":21,"u":[1,"x"]})");
    EXPECT_EQ(accepted(R"({"payload":[]})", false, msg_mode()).payload, "[]");
}

TEST(PlainFrameToPublish, MsgModeScalarPayloadIsItsJsonText) {
    EXPECT_EQ(accepted(R"({"payload":42})", false, msg_mode()).payload, "42");
    EXPECT_EQ(accepted(R"({"payload":-1.5})", false, msg_mode()).payload, "-1.5");
    EXPECT_EQ(accepted(R"({"payload":true})", false, msg_mode()).payload, "true");
    EXPECT_EQ(accepted(R"({"payload":null})", false, msg_mode()).payload, "null");
}

TEST(PlainFrameToPublish, MsgModeAbsentPayloadIsEmpty) {
    const PublishRequest request = accepted(R"({"topic":"t","other":1})", false, msg_mode());
    EXPECT_EQ(request.topic, "t");
    EXPECT_EQ(request.payload, "");
    EXPECT_FALSE(request.payload_is_binary);
}

TEST(PlainFrameToPublish, MsgModeRefusesBinaryFrames) {
    const RequestError error = refused(R"({"payload":"hi"})", true, msg_mode());
    EXPECT_EQ(error.code, error_code::bad_request);
}

TEST(PlainFrameToPublish, MsgModeRefusesNonJson) {
    for (const std::string& frame :
         {""s, "hello"s, "{"s, R"({"payload":"x",})"s, R"({"payload":"x"} trailing)"s,
          "{\"payload\":\"\xff\"}"s /* invalid UTF-8 */}) {
        EXPECT_EQ(refused(frame, false, msg_mode()).code, error_code::bad_json)
            << ::testing::PrintToString(frame);
    }
}

TEST(PlainFrameToPublish, MsgModeRefusesTrailingBytesAfterANul) {
    // RapidJSON reads a NUL as the end of input; the bytes after it must not
    // be silently ignored (parse_client_request refuses the same frames).
    for (const std::string& frame : {"{\"payload\":\"x\"}\0"s, "{\"payload\":\"x\"}\0garbage"s,
                                     "{\"topic\":\"t\"}\0{\"topic\":\"u\"}"s}) {
        EXPECT_EQ(refused(frame, false, msg_mode()).code, error_code::bad_json)
            << ::testing::PrintToString(frame);
    }
}

TEST(PlainFrameToPublish, MsgModeRefusesNonObjectsSayingWhatCame) {
    // Valid JSON, so not bad_json: the message names what came instead of an object.
    const std::pair<std::string, std::string> cases[] = {{"[1,2]", "got an array"},
                                                         {"42", "got a number"},
                                                         {R"("text")", "got a string"},
                                                         {"null", "got null"},
                                                         {"true", "got a boolean"}};
    for (const auto& [frame, says] : cases) {
        const RequestError error = refused(frame, false, msg_mode());
        EXPECT_EQ(error.code, error_code::bad_request) << frame;
        EXPECT_NE(error.message.find("expected a JSON msg object, " + says), std::string::npos)
            << frame << ": " << error.message;
    }
}

TEST(PlainFrameToPublish, MsgModeErrorsSayWhatWasWrong) {
    const std::pair<std::string, std::string> cases[] = {
        {"hello", "not valid JSON"},
        {"{\"payload\":\"x\"}\0"s, "NUL byte"},
        {std::string(40, '[') + std::string(40, ']'), "nested deeper than 32 levels"},
        {R"({"payload":"x",})", "not valid JSON"},
    };
    for (const auto& [frame, says] : cases) {
        const RequestError error = refused(frame, false, msg_mode());
        EXPECT_EQ(error.code, error_code::bad_json) << ::testing::PrintToString(frame);
        EXPECT_NE(error.message.find(says), std::string::npos)
            << ::testing::PrintToString(frame) << ": " << error.message;
    }
    EXPECT_NE(refused(R"({"payload":"hi"})", true, msg_mode()).message.find("binary frame"),
              std::string::npos);
}

TEST(PlainFrameToPublish, MsgModeHonoursQosAndRetain) {
    const PublishRequest request = accepted(
        R"({"topic":"app/x","payload":{"on":true},"qos":1,"retain":true})", false, msg_mode());
    EXPECT_EQ(request.topic, "app/x");
    EXPECT_EQ(request.payload, R"({"on":true})");
    EXPECT_EQ(request.qos, 1);
    EXPECT_TRUE(request.retain);
    EXPECT_EQ(accepted(R"({"qos":2})", false, msg_mode()).qos, 2);
    EXPECT_FALSE(accepted(R"({"retain":false})", false, msg_mode()).retain);
}

TEST(PlainFrameToPublish, MsgModeRefusesBadQosAndRetain) {
    for (const std::string& frame :
         {R"({"qos":3})"s, R"({"qos":-1})"s, R"({"qos":"1"})"s, R"({"qos":1.5})"s,
          R"({"retain":"true"})"s, R"({"retain":1})"s, R"({"retain":null})"s}) {
        const RequestError error = refused(frame, false, msg_mode());
        EXPECT_EQ(error.code, error_code::bad_request) << frame;
        EXPECT_TRUE(error.message.find("qos") != std::string::npos ||
                    error.message.find("retain") != std::string::npos)
            << frame << ": " << error.message;
    }
}

TEST(PlainFrameToPublish, MsgModeNodeRedBufferIsPublishedAsItsBytes) {
    const PublishRequest request = accepted(
        R"({"topic":"t","payload":{"type":"Buffer","data":[0,1,127,128,255]}})", false, msg_mode());
    EXPECT_EQ(request.payload, "\x00\x01\x7f\x80\xff"s);
    EXPECT_TRUE(request.payload_is_binary);
    EXPECT_EQ(
        accepted(R"({"payload":{ "type" : "Buffer", "data" : [] }})", false, msg_mode()).payload,
        "");
    // Only a top-level Buffer is bytes; one inside an object stays JSON.
    EXPECT_EQ(
        accepted(R"({"payload":{"b":{"type":"Buffer","data":[1]}}})", false, msg_mode()).payload,
        R"({"b":{"type":"Buffer","data":[1]}})");
    EXPECT_FALSE(accepted(R"({"payload":{"type":"Buffers","data":[1]}})", false, msg_mode())
                     .payload_is_binary);
    // The bridge's own msg form for bytes comes back as those bytes too.
    const PublishRequest base64 =
        accepted(R"({"payload":"//4A","payloadEncoding":"base64"})", false, msg_mode());
    EXPECT_EQ(base64.payload, "\xff\xfe\x00"s);
    EXPECT_TRUE(base64.payload_is_binary);
}

TEST(PlainFrameToPublish, MsgModeRefusesBuffersThatAreNotBytes) {
    for (const std::string& data :
         {"[256]"s, "[-1]"s, "[1.5]"s, R"(["a"])"s, "[null]"s, "[[1]]"s, "{}"s, R"("AAEC")"s}) {
        const std::string frame = R"({"payload":{"type":"Buffer","data":)" + data + "}}";
        const RequestError error = refused(frame, false, msg_mode());
        EXPECT_EQ(error.code, error_code::bad_request) << frame;
        EXPECT_NE(error.message.find("0 to 255"), std::string::npos) << error.message;
    }
}

TEST(PlainFrameToPublish, MsgModeRefusesNonStringTopic) {
    for (const std::string& frame : {R"({"topic":42,"payload":"x"})"s, R"({"topic":null})"s,
                                     R"({"topic":["a"]})"s, R"({"topic":{"t":"a"}})"s}) {
        const RequestError error = refused(frame, false, msg_mode());
        EXPECT_EQ(error.code, error_code::bad_request) << frame;
        EXPECT_NE(error.message.find("topic"), std::string::npos) << error.message;
    }
}

// ------------------------------------------------------------ authorize_publish

std::string allowed(const std::string& topic, const InboundOptions& options) {
    auto result = authorize_publish(topic, options);
    if (auto* error = std::get_if<RequestError>(&result)) {
        ADD_FAILURE() << "refused '" << topic << "': " << error->code << ": " << error->message;
        return {};
    }
    return std::get<std::string>(std::move(result));
}

RequestError not_allowed(const std::string& topic, const InboundOptions& options) {
    auto result = authorize_publish(topic, options);
    if (!std::holds_alternative<RequestError>(result)) {
        ADD_FAILURE() << "allowed '" << topic << "' as '" << std::get<std::string>(result) << "'";
        return {};
    }
    const RequestError error = std::get<RequestError>(std::move(result));
    EXPECT_FALSE(error.message.empty());
    return error;
}

TEST(AuthorizePublish, InvalidTopicIsRefused) {
    InboundOptions options;
    options.allow_publish = {"#"};
    for (const std::string& topic : {""s, "a\0b"s, "\xff"s}) {
        EXPECT_EQ(not_allowed(topic, options).code, error_code::invalid_topic)
            << ::testing::PrintToString(topic);
    }
}

TEST(AuthorizePublish, WildcardTopicIsRefused) {
    InboundOptions options;
    options.allow_publish = {"#"};
    for (const std::string& topic : {"#"s, "a/+"s, "a/#"s, "+"s, "a/b+"s}) {
        const RequestError error = not_allowed(topic, options);
        EXPECT_EQ(error.code, error_code::invalid_topic) << topic;
        EXPECT_NE(error.message.find(topic), std::string::npos) << error.message;
    }
}

TEST(AuthorizePublish, ReplyTopicsAreRefusedWhateverAllowPublishSays) {
    InboundOptions options;
    options.allow_publish = {"#"};
    options.reply_topics_root = "mqtt-ws-bridge/reply/";
    for (const std::string& topic :
         {"mqtt-ws-bridge/reply/i/s"s, "mqtt-ws-bridge/reply/i/s/x"s, "mqtt-ws-bridge/reply/x"s}) {
        const RequestError error = not_allowed(topic, options);
        EXPECT_EQ(error.code, error_code::not_allowed) << topic;
        EXPECT_NE(error.message.find("reply topic"), std::string::npos) << error.message;
    }
    EXPECT_EQ(allowed("mqtt-ws-bridge/reply", options), "mqtt-ws-bridge/reply");
    EXPECT_EQ(allowed("mqtt-ws-bridge/replyx/i/s", options), "mqtt-ws-bridge/replyx/i/s");
    options.strip_prefix = "mqtt-ws-bridge/";
    EXPECT_EQ(not_allowed("reply/i/s", options).code, error_code::not_allowed);
}

TEST(AuthorizePublish, AllowedByAMatchingFilter) {
    InboundOptions options;
    options.allow_publish = {"cmd/+/set", "chat/#"};
    EXPECT_EQ(allowed("cmd/lamp/set", options), "cmd/lamp/set");
    EXPECT_EQ(allowed("chat", options), "chat");
    EXPECT_EQ(allowed("chat/room/1", options), "chat/room/1");
}

TEST(AuthorizePublish, RefusedWhenNoFilterMatches) {
    InboundOptions options;
    options.allow_publish = {"cmd/+/set", "chat/#"};
    for (const std::string& topic : {"cmd/lamp"s, "cmd/lamp/set/x"s, "other"s, "Chat/x"s}) {
        const RequestError error = not_allowed(topic, options);
        EXPECT_EQ(error.code, error_code::not_allowed) << topic;
        EXPECT_NE(error.message.find("'" + topic + "'"), std::string::npos) << error.message;
    }
}

TEST(AuthorizePublish, EmptyAllowListRefusesEverything) {
    const InboundOptions options;
    ASSERT_TRUE(options.allow_publish.empty());
    const RequestError error = not_allowed("anything", options);
    EXPECT_EQ(error.code, error_code::not_allowed);
    EXPECT_NE(error.message.find("'anything'"), std::string::npos) << error.message;
}

TEST(AuthorizePublish, HashDoesNotAllowDollarTopics) {
    InboundOptions options;
    options.allow_publish = {"#"};
    EXPECT_EQ(allowed("a/b", options), "a/b");
    EXPECT_EQ(not_allowed("$SYS/x", options).code, error_code::not_allowed);
}

TEST(AuthorizePublish, StripPrefixIsAddedBackBeforeMatching) {
    InboundOptions options;
    options.strip_prefix = "site/";
    options.allow_publish = {"site/cmd/#"};
    EXPECT_EQ(allowed("cmd/lamp", options), "site/cmd/lamp");

    // The filter is on the MQTT topic: without the prefix it does not match.
    options.allow_publish = {"cmd/#"};
    const RequestError error = not_allowed("cmd/lamp", options);
    EXPECT_EQ(error.code, error_code::not_allowed);
    // The message names the MQTT topic, prefix included.
    EXPECT_NE(error.message.find("'site/cmd/lamp'"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace mqttws
