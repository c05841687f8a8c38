// Protocol mode (subprotocol mqtt-ws-bridge.v1): welcome, message envelopes, and the client ops,
// each answered by exactly one ack or error. Frames are answered in order, so checking the
// complete sequence of answers up to a final ping's ack proves "exactly one" per op.

#include <optional>
#include <string>

#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

class ProtocolModeTest : public BridgeTest {};

std::optional<long long> id_of(const rapidjson::Value& frame) {
    if (!frame.IsObject() || !frame.HasMember("id") || !frame["id"].IsInt64()) return std::nullopt;
    return frame["id"].GetInt64();
}

::testing::AssertionResult IsAck(const rapidjson::Value& frame, long long id) {
    if (JsonText::string_member(frame, "type") == "ack" && id_of(frame) == id) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "expected {\"type\":\"ack\",\"id\":" << id << "}, got " << JsonText::serialize(frame);
}

// An error frame with a non-empty code and message, and the op's id when it had one.
::testing::AssertionResult IsError(const rapidjson::Value& frame, std::optional<long long> id) {
    const bool shape = JsonText::string_member(frame, "type") == "error" &&
                       !JsonText::string_member(frame, "code").empty() &&
                       !JsonText::string_member(frame, "message").empty();
    if (shape && (!id || id_of(frame) == id)) return ::testing::AssertionSuccess();
    auto failure = ::testing::AssertionFailure() << "expected an error frame with code and message";
    if (id) failure << " and id " << *id;
    return failure << ", got " << JsonText::serialize(frame);
}

::testing::AssertionResult IsMessage(const rapidjson::Value& frame, const std::string& topic,
                                     const std::string& payload) {
    if (JsonText::string_member(frame, "type") == "message" &&
        JsonText::string_member(frame, "topic") == topic &&
        JsonText::string_member(frame, "payload") == payload) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "expected {\"type\":\"message\",\"topic\":\"" << topic << "\",\"payload\":\""
           << payload << "\",...}, got " << JsonText::serialize(frame);
}

TEST_F(ProtocolModeTest, WelcomeCarriesTheSessionIdOfTheHandshake) {
    start();
    WsConnection& client = connect("/ws", std::string(kProtocol));
    EXPECT_EQ(client.subprotocol(), kProtocol);
    rapidjson::Document welcome = NextJson(client);
    EXPECT_EQ(JsonText::string_member(welcome, "type"), "welcome") << JsonText::serialize(welcome);
    const std::string session = JsonText::string_member(welcome, "session");
    EXPECT_FALSE(session.empty()) << JsonText::serialize(welcome);
    EXPECT_EQ(session, client.session_id()) << "welcome.session equals the X-Session-Id header";
}

TEST_F(ProtocolModeTest, SubscribeUnsubscribeAndPingAreAcked) {
    start();
    WsConnection& client = connect_protocol("/ws?topic=keep");

    client.send_text(R"({"op":"subscribe","id":1,"topics":["p/#"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 1));
    publisher().publish("p/1", "one");
    EXPECT_TRUE(IsMessage(NextProtocolFrame(client), "p/1", "one"));

    client.send_text(R"({"op":"unsubscribe","id":2,"topics":["p/#"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 2));
    publisher().publish("p/2", "two");  // no longer subscribed
    publisher().publish("keep", "marker");
    EXPECT_TRUE(IsMessage(NextProtocolFrame(client), "keep", "marker"));

    client.send_text(R"({"op":"subscribe","id":3,"topics":["q/+","r"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 3));
    publish_topics({"q/1", "s", "q/1/deeper", "r"});
    EXPECT_TRUE(IsMessage(NextProtocolFrame(client), "q/1", "q/1"));
    EXPECT_TRUE(IsMessage(NextProtocolFrame(client), "r", "r"));

    client.send_text(R"({"op":"ping","id":4})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 4));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

TEST_F(ProtocolModeTest, PublishWithoutAllowPublishIsRefusedWithAnError) {
    // No --allow-publish: publishing is refused with an error; the connection stays usable.
    start();
    WsConnection& client = connect_protocol();
    client.send_text(R"({"op":"publish","id":1,"topic":"x/y","payload":"hi","qos":0})");
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 1));
    client.send_text(R"({"op":"ping","id":2})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 2));
}

TEST_F(ProtocolModeTest, MalformedFramesGetErrorsAndTheConnectionStaysUsable) {
    start();
    WsConnection& client = connect_protocol();

    client.send_text("this is not JSON");
    client.send_text(R"({"op":"no-such-op","id":7})");
    client.send_text(R"({"op":"subscribe","id":8,"topics":["a/#/b"]})");
    client.send_text(R"({"op":"subscribe","id":9})");
    client.send_text("[1,2,3]");
    client.send_text(R"({"op":"ping","id":10})");

    EXPECT_TRUE(IsError(NextProtocolFrame(client), std::nullopt));
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 7));
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 8));
    EXPECT_TRUE(IsError(NextProtocolFrame(client), 9));
    EXPECT_TRUE(IsError(NextProtocolFrame(client), std::nullopt));
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 10));

    // Still fully usable.
    client.send_text(R"({"op":"subscribe","id":11,"topics":["after/#"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 11));
    publisher().publish("after/x", "still here");
    EXPECT_TRUE(IsMessage(NextProtocolFrame(client), "after/x", "still here"));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

TEST_F(ProtocolModeTest, PathSubscriptionDeliversMessageEnvelopes) {
    start();
    WsConnection& client = connect_protocol("/ws/p/%23");
    publisher().publish("p/json", R"({"a":1})");
    publisher().publish("p/bytes", std::string("\xff\xfe\x00", 3));

    rapidjson::Document json = NextProtocolFrame(client);
    const std::string json_text = JsonText::serialize(json);
    EXPECT_EQ(JsonText::string_member(json, "type"), "message") << json_text;
    EXPECT_EQ(JsonText::string_member(json, "topic"), "p/json") << json_text;
    ASSERT_TRUE(json.HasMember("payload")) << json_text;
    EXPECT_TRUE(JsonText::same(JsonText::serialize(json["payload"]), R"({"a":1})")) << json_text;
    EXPECT_FALSE(JsonText::string_member(json, "_msgid").empty()) << json_text;
    EXPECT_TRUE(json.HasMember("qos")) << json_text;

    rapidjson::Document bytes = NextProtocolFrame(client);
    const std::string bytes_text = JsonText::serialize(bytes);
    EXPECT_EQ(JsonText::string_member(bytes, "type"), "message") << bytes_text;
    EXPECT_EQ(JsonText::string_member(bytes, "payload"), "//4A") << bytes_text;
    EXPECT_EQ(JsonText::string_member(bytes, "payloadEncoding"), "base64") << bytes_text;
}

}  // namespace
}  // namespace mwb::it
