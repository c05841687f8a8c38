// --auth token: who may connect (401 otherwise), what each token may subscribe to and publish
// (403 / error frames), {sub} expansion, --allowed-origin, and no token in the log.

#include <string>

#include "harness/bridge_metrics.hpp"
#include "harness/json_text.hpp"
#include "harness/mqtt_subscriber.hpp"
#include "harness/mqtt_v5.hpp"
#include "harness/security_fixture.hpp"

namespace mwb::it {
namespace {

// Tokens are made per run; only their hashes are written to the token file.
const std::string kAlpha = "alpha-" + std::to_string(::getpid()) + "-Zq8v3LkW";
const std::string kAlice = "alice-" + std::to_string(::getpid()) + "-p4Rr9sXe";

class TokenAuthTest : public SecurityTest {
  protected:
    void start_with_tokens(std::vector<std::string> extra = {}) {
        const std::string file =
            write_file("tokens.json", R"({"tokens":[)"
                                      R"({"sha256":")" +
                                          sha256_hex(kAlpha) +
                                          R"(","subscribe":["a/#"],"publish":["a/out"]},)"
                                          R"({"sha256":")" +
                                          sha256_hex(kAlice) +
                                          R"(","subject":"alice","subscribe":["sensors/{sub}/#"],)"
                                          R"("publish":["sensors/{sub}/cmd"]}]})");
        std::vector<std::string> args{"--auth",          "token", "--token-file", file,
                                      "--allow-publish", "#",     "--subscribe",  "a/#",
                                      "--subscribe",     "b/#",   "--subscribe",  "sensors/#"};
        args.insert(args.end(), extra.begin(), extra.end());
        start(args);
    }
};

TEST_F(TokenAuthTest, NoTokenOrAnUnknownOneIs401WithoutDetail) {
    start_with_tokens();
    for (const HttpResponse& response :
         {upgrade("/ws/a/%23"), upgrade("/ws/a/%23", {{"Authorization", "Bearer wrong"}}),
          upgrade("/ws/a/%23?access_token=" + kAlpha + "x"),
          upgrade("/ws/a/%23", {{"Authorization", "Basic " + kAlpha}})}) {
        EXPECT_EQ(response.status, 401) << response.describe();
        EXPECT_EQ(response.body, "unauthorized\n") << response.describe();
    }
    EXPECT_TRUE(BridgeMetrics::wait_until(
        bridge().port(), R"(mwb_connections_total{result="refused",reason="unauthorized"})",
        [](double v) { return v == 4; }, std::chrono::seconds(10)));
    expect_log_free_of({kAlpha, kAlice});
}

TEST_F(TokenAuthTest, TokenFromHeaderQueryOrSubprotocol) {
    start_with_tokens();
    EXPECT_EQ(upgrade("/ws/a/%23", {{"Authorization", "Bearer " + kAlpha}}).status, 101);

    const HttpResponse by_protocol =
        upgrade("/ws", {{"Sec-WebSocket-Protocol", "bearer." + kAlpha + ", mqtt-ws-bridge.v1"}});
    EXPECT_EQ(by_protocol.status, 101) << by_protocol.describe();
    EXPECT_EQ(by_protocol.header("Sec-WebSocket-Protocol"), "mqtt-ws-bridge.v1")
        << "the bearer entry is never selected";

    WsConnection& client = connect("/ws/a/%23?access_token=" + kAlpha);
    publish_topics({"a/1"});
    EXPECT_TRUE(ReceivesTexts(client, {"a/1"}));
    expect_log_free_of({kAlpha, kAlice});
}

TEST_F(TokenAuthTest, SubscribeAndPublishStayInsideThePermissions) {
    start_with_tokens();
    const HttpResponse refused = upgrade("/ws/b/%23", {{"Authorization", "Bearer " + kAlpha}});
    EXPECT_EQ(refused.status, 403) << refused.describe();
    EXPECT_NE(refused.body.find("b/#"), std::string::npos) << refused.describe();
    EXPECT_EQ(upgrade("/ws?topic=a/1&topic=%23", {{"Authorization", "Bearer " + kAlpha}}).status,
              403);

    WsConnection& client = connect_protocol("/ws?access_token=" + kAlpha);
    client.send_text(R"({"op":"subscribe","id":1,"topics":["b/#"]})");
    rapidjson::Document error = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(error, "type"), "error");
    EXPECT_EQ(JsonText::string_member(error, "code"), "not_allowed");
    EXPECT_NE(JsonText::string_member(error, "message").find("'b/#'"), std::string::npos);

    client.send_text(R"({"op":"subscribe","id":2,"topics":["a/#"]})");
    EXPECT_EQ(JsonText::string_member(NextProtocolFrame(client), "type"), "ack");

    // Allowed by --allow-publish '#' but not by the token: refused.
    client.send_text(R"({"op":"publish","id":3,"topic":"b/x","payload":"no"})");
    rapidjson::Document refused_publish = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(refused_publish, "code"), "not_allowed");
    client.send_text(R"({"op":"publish","id":4,"topic":"a/other","payload":"no"})");
    EXPECT_EQ(JsonText::string_member(NextProtocolFrame(client), "code"), "not_allowed");

    // Nothing is delivered for the refused filter: b/1 never arrives, a/1 does.
    publish_topics({"b/1", "a/1"});
    rapidjson::Document message = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(message, "topic"), "a/1");
    expect_log_free_of({kAlpha});
}

TEST_F(TokenAuthTest, SubjectExpandsInThePermissions) {
    start_with_tokens();
    const HttpClient::Headers alice{{"Authorization", "Bearer " + kAlice}};
    EXPECT_EQ(upgrade("/ws/sensors/alice/%23", alice).status, 101);
    EXPECT_EQ(upgrade("/ws/sensors/bob/%23", alice).status, 403);
    EXPECT_EQ(upgrade("/ws/sensors/%2B/temp", alice).status, 403);

    WsConnection& client = connect("/ws/sensors/alice/%23?access_token=" + kAlice);
    publish_topics({"sensors/bob/t", "sensors/alice/t"});
    EXPECT_TRUE(ReceivesTexts(client, {"sensors/alice/t"}));
}

TEST_F(TokenAuthTest, ConnectionEventsNameTheTokensSubject) {
    start_with_tokens({"--events-topic", "ev/clients"});
    MqttSubscriber observer(broker().url(), MQTTVERSION_5);
    observer.subscribe("ev/clients", 1);
    const auto next_event = [&observer] {
        const mqtt::const_message_ptr message = observer.next_message(kDelivery);
        if (!message) throw std::runtime_error("no connection event arrived in time");
        return JsonText::parse(message->get_payload_str());
    };

    WsConnection& alice = connect("/ws/sensors/alice/%23?access_token=" + kAlice);
    const auto with_subject = next_event();
    EXPECT_EQ(JsonText::string_member(with_subject, "session"), alice.session_id());
    EXPECT_EQ(JsonText::string_member(with_subject, "user"), "alice");

    WsConnection& alpha = connect("/ws/a/%23?access_token=" + kAlpha);
    const auto without_subject = next_event();
    EXPECT_EQ(JsonText::string_member(without_subject, "session"), alpha.session_id());
    EXPECT_FALSE(without_subject.HasMember("user")) << JsonText::serialize(without_subject);
}

TEST_F(TokenAuthTest, OtherOriginsAreRefusedWith403) {
    start_with_tokens({"--allowed-origin", "https://app.example.com"});
    const HttpClient::Headers token{{"Authorization", "Bearer " + kAlpha}};
    auto with = [&](const std::string& origin) {
        HttpClient::Headers headers = token;
        headers.emplace_back("Origin", origin);
        return upgrade("/ws/a/%23", headers);
    };
    EXPECT_EQ(with("https://evil.example.com").status, 403);
    EXPECT_EQ(with("https://app.example.com.evil.net").status, 403);
    EXPECT_EQ(with("https://app.example.com").status, 101);
    EXPECT_EQ(upgrade("/ws/a/%23", token).status, 101) << "no Origin: not a browser";
    EXPECT_TRUE(BridgeMetrics::wait_until(
        bridge().port(), R"(mwb_connections_total{result="refused",reason="origin"})",
        [](double v) { return v == 2; }, std::chrono::seconds(10)));
}

TEST_F(TokenAuthTest, TargetingASessionNeverWidensItsPermissions) {
    start_with_tokens();
    WsConnection& client = connect("/ws/a/%23?access_token=" + kAlpha);
    const std::string session = client.session_id();
    ASSERT_FALSE(session.empty());

    // Addressed to this session, but on a topic its token may not read: dropped as acl.
    publisher().publish("b/secret", "not for alpha", 0, false,
                        MqttV5::user_properties({{"session", session}}));
    ASSERT_TRUE(BridgeMetrics::wait_until(
        bridge().port(), R"(mwb_dropped_total{reason="acl"})", [](double v) { return v == 1; },
        std::chrono::seconds(10)));
    // Addressed to it on a readable topic: delivered, and it is the first frame it sees.
    publisher().publish("a/for-alpha", "yes", 0, false,
                        MqttV5::user_properties({{"session", session}}));
    EXPECT_TRUE(ReceivesTexts(client, {"yes"}));
}

}  // namespace
}  // namespace mwb::it
