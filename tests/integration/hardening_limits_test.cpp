// Limits at their edges: at the limit works, one over is refused the documented way.
//   --max-message-size  a client frame of exactly the size is answered; one byte more: close 1009
//   --max-connections   N clients connect; the next gets HTTP 503 (and one may connect again
//                       once a client left)
//   --max-subscriptions N filters at the handshake are fine, N+1 is HTTP 400; an op that would
//                       exceed it gets too_many_subscriptions
//   --max-payload       a broker message of exactly the size is delivered; one byte more is
//                       dropped and counted

#include <string>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

class HardeningLimitsTest : public BridgeTest {
  protected:
    ::testing::AssertionResult MetricReaches(const std::string& sample, double expected,
                                             const Deadline& deadline = kDelivery) {
        double last = -1;
        if (BridgeMetrics::wait_until(
                bridge().port(), sample, [&](double v) { return v == expected; }, deadline,
                &last)) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << sample << " is " << last << ", expected " << expected;
    }

    HttpResponse upgrade(const std::string& target) {
        return HttpClient::get(bridge().port(), target, HttpClient::websocket_upgrade_headers());
    }

    // The answer to op `id`: {"type":"ack"|"error","id":id,...}, checked; returns the frame.
    static rapidjson::Document AnswerTo(WsConnection& connection, int id) {
        rapidjson::Document frame = NextProtocolFrame(connection);
        const std::string text = JsonText::serialize(frame);
        const std::string type = JsonText::string_member(frame, "type");
        EXPECT_TRUE(type == "ack" || type == "error") << text;
        EXPECT_TRUE(frame.HasMember("id") && frame["id"].IsInt() && frame["id"].GetInt() == id)
            << "expected the answer to op " << id << ", got " << text;
        return frame;
    }

    // A ping op padded with an extra member to exactly `size` bytes.
    static std::string padded_ping(int id, std::size_t size) {
        const std::string head = R"({"op":"ping","id":)" + std::to_string(id) + R"(,"pad":")";
        const std::string tail = "\"}";
        return head + std::string(size - head.size() - tail.size(), 'p') + tail;
    }
};

TEST_F(HardeningLimitsTest, MaxMessageSizeAnswersAtTheLimitAndClosesWith1009OneOver) {
    start({"--max-message-size", "1KiB"});
    WsConnection& client = connect_protocol();

    const std::string at_limit = padded_ping(1, 1024);
    ASSERT_EQ(at_limit.size(), 1024u);
    client.send_text(at_limit);
    AnswerTo(client, 1);
    client.send_text(R"({"op":"ping","id":2})");
    AnswerTo(client, 2);
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();

    const std::string over = padded_ping(3, 1025);
    ASSERT_EQ(over.size(), 1025u);
    client.send_text(over);
    ASSERT_TRUE(client.wait_closed(kDelivery)) << client.describe();
    EXPECT_EQ(client.remote_close_code(), 1009) << client.describe();
    EXPECT_TRUE(MetricReaches("mwb_clients", 0));
}

TEST_F(HardeningLimitsTest, MaxConnectionsRefusesTheNextHandshakeWith503) {
    start({"--max-connections", "3", "--threads", "2"});
    std::vector<WsConnection*> open;
    for (int i = 0; i < 3; ++i) open.push_back(&connect("/ws/c/%23"));

    HttpResponse fourth = upgrade("/ws/c/%23");
    EXPECT_EQ(fourth.status, 503) << fourth.describe();
    WsConnection& refused = clients().connect(bridge().ws_uri("/ws/c/%23"));
    EXPECT_FALSE(refused.wait_open(kDelivery));
    EXPECT_EQ(refused.response_code(), 503) << refused.describe();
    EXPECT_TRUE(MetricReaches(
        R"(mwb_connections_total{result="refused",reason="too_many_connections"})", 2));
    // Plain HTTP is not a WebSocket connection: still served at the limit.
    EXPECT_EQ(bridge().healthz().status, 200);

    // The three are unaffected.
    publisher().publish("c/1", "to the three");
    for (auto* c : open) EXPECT_TRUE(ReceivesTexts(*c, {"to the three"}));

    // A slot freed is a slot available again.
    open[0]->close();
    ASSERT_TRUE(open[0]->wait_closed(kDelivery)) << open[0]->describe();
    ASSERT_TRUE(MetricReaches("mwb_clients", 2));
    WsConnection& again = connect("/ws/c/%23");
    HttpResponse over_again = upgrade("/ws/c/%23");
    EXPECT_EQ(over_again.status, 503) << over_again.describe();
    publisher().publish("c/2", "after a slot was freed");
    EXPECT_TRUE(ReceivesTexts(again, {"after a slot was freed"}));
}

TEST_F(HardeningLimitsTest, MaxSubscriptionsAtTheHandshakeAndForOps) {
    start({"--max-subscriptions", "2"});

    // At the handshake: two filters (path and query count alike) are fine, three are refused.
    connect("/ws/a?topic=b");
    connect("/ws?topic=a&topic=b");
    for (const std::string target : {"/ws?topic=a&topic=b&topic=c", "/ws/a?topic=b&topic=c"}) {
        HttpResponse response = upgrade(target);
        EXPECT_EQ(response.status, 400) << target << ": " << response.describe();
        EXPECT_FALSE(response.body.empty()) << target << ": the reason is in the body";
    }

    // By op: the second filter is accepted, a third is refused, and the connection goes on.
    WsConnection& client = connect_protocol("/ws?topic=s/1");
    client.send_text(R"({"op":"subscribe","id":1,"topics":["s/2"]})");
    EXPECT_EQ(JsonText::string_member(AnswerTo(client, 1), "type"), "ack");
    client.send_text(R"({"op":"subscribe","id":2,"topics":["s/3"]})");
    rapidjson::Document refused = AnswerTo(client, 2);
    EXPECT_EQ(JsonText::string_member(refused, "type"), "error") << JsonText::serialize(refused);
    EXPECT_EQ(JsonText::string_member(refused, "code"), "too_many_subscriptions")
        << JsonText::serialize(refused);

    // Refused means not subscribed: s/3 is not delivered, s/1 and s/2 are.
    publish_topics({"s/3", "s/1", "s/2"});
    for (const std::string topic : {"s/1", "s/2"}) {
        rapidjson::Document message = NextProtocolFrame(client);
        EXPECT_EQ(JsonText::string_member(message, "topic"), topic) << JsonText::serialize(message);
    }

    // After an unsubscribe there is room again.
    client.send_text(R"({"op":"unsubscribe","id":3,"topics":["s/2"]})");
    EXPECT_EQ(JsonText::string_member(AnswerTo(client, 3), "type"), "ack");
    client.send_text(R"({"op":"subscribe","id":4,"topics":["s/3"]})");
    EXPECT_EQ(JsonText::string_member(AnswerTo(client, 4), "type"), "ack");
    publish_topics({"s/2", "s/3"});
    rapidjson::Document message = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(message, "topic"), "s/3") << JsonText::serialize(message);
}

TEST_F(HardeningLimitsTest, MaxPayloadDeliversAtTheLimitAndDropsOneByteMore) {
    start({"--max-payload", "100"});
    WsConnection& client = connect("/ws/p/%23");
    const std::string too_large = R"(mwb_dropped_total{reason="too_large"})";
    ASSERT_TRUE(MetricReaches(too_large, 0));

    const std::string at_limit(100, 'a');
    const std::string over(101, 'b');
    publisher().publish("p/at", at_limit);
    publisher().publish("p/over", over);
    publisher().publish("p/marker", "marker");
    // The marker comes after the dropped message, so by the time it arrives the bigger one
    // would have too.
    EXPECT_TRUE(ReceivesTexts(client, {at_limit, "marker"}));
    EXPECT_TRUE(MetricReaches(too_large, 1));
}

}  // namespace
}  // namespace mwb::it
