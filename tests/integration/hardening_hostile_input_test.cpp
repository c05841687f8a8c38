// Hostile input, sent by hand over raw sockets where a well-behaved client library would refuse
// to: invalid UTF-8, protocol violations, deeply nested JSON, non-JSON msg frames, garbage HTTP,
// and handshakes that never finish. Each is refused the documented way, and the bridge goes on
// serving everyone else.

#include <string>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"
#include "harness/mqtt_subscriber.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {
namespace {

class HardeningHostileInputTest : public BridgeTest {
  protected:
    static constexpr std::chrono::seconds kClose{15};

    // A plain client subscribed to "alive" receives a message published now, and no client is
    // left registered but `remaining`.
    void ExpectStillServing(double remaining = 0) {
        double last = -1;
        EXPECT_TRUE(BridgeMetrics::wait_until(
            bridge().port(), "mwb_clients", [&](double v) { return v == remaining; }, kDelivery,
            &last))
            << "mwb_clients is " << last << ", expected " << remaining;
        WsConnection& witness = connect("/ws/alive");
        publisher().publish("alive", "still serving");
        // The payload itself, or under --send msg the whole msg carrying it.
        std::optional<WsFrame> frame = witness.next_message(kDelivery);
        ASSERT_TRUE(frame) << witness.describe();
        EXPECT_TRUE(frame->payload == "still serving" ||
                    (JsonText::is_json(frame->payload) &&
                     JsonText::string_member(JsonText::parse(frame->payload), "payload") ==
                         "still serving"))
            << frame->payload;
        EXPECT_EQ(bridge().healthz().status, 200);
    }

    // Opens a raw WebSocket (plain or protocol mode), consuming the welcome frame in protocol
    // mode.
    std::unique_ptr<RawWsSocket> raw_client(const std::string& subprotocol = "") {
        auto socket = std::make_unique<RawWsSocket>(bridge().port());
        const HttpResponse upgrade = socket->handshake("/ws", subprotocol);
        EXPECT_EQ(upgrade.status, 101) << upgrade.describe();
        if (!subprotocol.empty()) {
            std::optional<RawFrame> welcome = socket->read_frame(kDelivery);
            EXPECT_TRUE(welcome && welcome->opcode == RawFrame::kText)
                << (welcome ? welcome->describe() : "no welcome frame");
        }
        return socket;
    }

    void ExpectDeepMsgFrameSurvived(std::size_t depth);

    // Sends `frame` (as raw bytes after the handshake) and expects a close frame with `code`.
    void ExpectClosedWith(const std::string& subprotocol, std::uint8_t opcode,
                          const std::string& payload, bool fin, int code) {
        auto socket = raw_client(subprotocol);
        ASSERT_TRUE(socket->send_frame(opcode, payload, fin)) << socket->error();
        std::optional<RawFrame> close = socket->read_until_close_frame(kClose);
        ASSERT_TRUE(close) << "no close frame"
                           << (socket->peer_closed() ? " (TCP closed without one)" : "");
        EXPECT_EQ(close->close_code(), code) << close->describe();
    }
};

TEST_F(HardeningHostileInputTest, InvalidUtf8InATextFrameIsClosedWith1007) {
    start();
    const std::string invalid = "caf\xc3\x28 \xff\xfe";
    ExpectClosedWith("", RawFrame::kText, invalid, true, 1007);
    ExpectClosedWith(kProtocol, RawFrame::kText, invalid, true, 1007);
    ExpectStillServing();
}

TEST_F(HardeningHostileInputTest, ProtocolViolationsAreClosedCleanly) {
    start();
    // A reserved opcode, a continuation with nothing to continue, and a fragmented control frame.
    ExpectClosedWith("", 0x3, "what is this", true, 1002);
    ExpectClosedWith("", RawFrame::kContinuation, "orphan", true, 1002);
    ExpectClosedWith(kProtocol, RawFrame::kPing, "fragmented ping", false, 1002);
    ExpectStillServing();
}

TEST_F(HardeningHostileInputTest, DeeplyNestedOrHugeJsonGetsAnErrorAndTheConnectionStaysUsable) {
    start();
    WsConnection& client = connect_protocol();

    client.send_text(std::string(10'000, '['));
    rapidjson::Document nested = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(nested, "type"), "error") << JsonText::serialize(nested);
    EXPECT_EQ(JsonText::string_member(nested, "code"), "bad_json") << JsonText::serialize(nested);

    // Deep inside an otherwise valid op, and balanced: still refused, with the op's id.
    client.send_text(R"({"op":"ping","id":2,"x":)" + std::string(10'000, '[') +
                     std::string(10'000, ']') + "}");
    rapidjson::Document deep = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(deep, "type"), "error") << JsonText::serialize(deep);

    // Huge and unterminated (just under the 64 KiB frame limit).
    std::string huge = "[1";
    while (huge.size() < 60'000) huge += ",1";
    client.send_text(huge);
    rapidjson::Document unterminated = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(unterminated, "type"), "error")
        << JsonText::serialize(unterminated);

    client.send_text(R"({"op":"ping","id":9})");
    rapidjson::Document ack = NextProtocolFrame(client);
    EXPECT_EQ(JsonText::string_member(ack, "type"), "ack") << JsonText::serialize(ack);
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
    ExpectStillServing(1);
}

TEST_F(HardeningHostileInputTest, NonJsonFrameUnderSendMsgGetsAnErrorAndIsNotPublished) {
    // The bridge itself subscribes elsewhere, so no echo of the valid frame comes back.
    start({"--send", "msg", "--allow-publish", "mqtt-ws-bridge/in/#", "--subscribe", "alive"});
    MqttSubscriber inbound(broker().url());
    inbound.subscribe("mqtt-ws-bridge/in/#");
    WsConnection& client = connect("/ws");

    client.send_text("this is not JSON");
    rapidjson::Document error = NextJson(client);
    EXPECT_EQ(JsonText::string_member(error, "type"), "error") << JsonText::serialize(error);
    EXPECT_FALSE(JsonText::string_member(error, "code").empty()) << JsonText::serialize(error);

    // Still usable: a valid msg is published, and it is the first thing the broker sees.
    client.send_text(R"({"payload":"valid"})");
    mqtt::const_message_ptr published = inbound.next_message(kDelivery);
    ASSERT_TRUE(published) << "the valid msg was not published; " << client.describe();
    EXPECT_EQ(published->get_topic(), "mqtt-ws-bridge/in/" + client.session_id());
    EXPECT_EQ(published->to_string(), "valid");
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

// A msg frame whose payload is valid JSON nested `depth` levels deep: the bridge refuses it with
// an error or publishes it, and either way survives and goes on serving the client.
void HardeningHostileInputTest::ExpectDeepMsgFrameSurvived(std::size_t depth) {
    MqttSubscriber inbound(broker().url());
    inbound.subscribe("mqtt-ws-bridge/in/#");
    WsConnection& client = connect("/ws");

    client.send_text(R"({"payload":)" + std::string(depth, '[') + std::string(depth, ']') + "}");
    client.send_text(R"({"payload":"after the deep one"})");
    const Deadline published(kDelivery);
    bool after = false;
    while (!after) {
        mqtt::const_message_ptr message = inbound.next_message(published);
        ASSERT_TRUE(message) << "the frame after the deep one was not published; "
                             << client.describe()
                             << (bridge().running() ? "" : "; the bridge is gone");
        after = message->to_string() == "after the deep one";
    }
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
    ExpectStillServing(1);
}

TEST_F(HardeningHostileInputTest, DeeplyNestedMsgFrameUnderSendMsgDoesNotTakeTheBridgeDown) {
    // 30,000 levels: just under the default 64 KiB frame limit.
    start({"--send", "msg", "--allow-publish", "mqtt-ws-bridge/in/#", "--subscribe", "alive"});
    ExpectDeepMsgFrameSurvived(30'000);
}

TEST_F(HardeningHostileInputTest, VeryDeeplyNestedMsgFrameWithALargerFrameLimit) {
    // A deployment that allows bigger frames: 1,000,000 levels in a 2 MB frame.
    start({"--send", "msg", "--allow-publish", "mqtt-ws-bridge/in/#", "--subscribe", "alive",
           "--max-message-size", "4MiB"});
    ExpectDeepMsgFrameSurvived(1'000'000);
}

TEST_F(HardeningHostileInputTest, GarbageHttpGets400AndTheBridgeServesOthers) {
    start();
    const std::vector<std::string> garbage{
        "GARBAGE\r\n\r\n",
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15),  // TLS hello
        std::string("\0\0\0\0\r\n\r\n", 8),
    };
    for (std::size_t i = 0; i < garbage.size(); ++i) {
        RawWsSocket socket(bridge().port());
        ASSERT_TRUE(socket.send_bytes(garbage[i])) << socket.error();
        const HttpResponse response = socket.read_http_response(kClose);
        // A 400, or the connection closed without an answer; never a hang.
        EXPECT_TRUE(response.status == 400 || (response.status == 0 && socket.peer_closed()))
            << "garbage #" << i << ": " << response.describe();
    }
    ExpectStillServing();
}

TEST_F(HardeningHostileInputTest, SlowlorisAndSilentConnectionsAreDroppedByTheHandshakeTimeout) {
    start({"--handshake-timeout", "1s"});
    // Half the request headers, then nothing.
    RawWsSocket slowloris(bridge().port());
    const std::string request = RawWsSocket::upgrade_request(bridge().port(), "/ws");
    ASSERT_TRUE(slowloris.send_bytes(request.substr(0, request.size() / 2)));
    // A TCP connection that never says anything.
    RawWsSocket silent(bridge().port());

    // The bound is the handshake timeout; the deadline is generous.
    EXPECT_TRUE(slowloris.wait_peer_closed(kClose)) << "the half-sent handshake is still open";
    EXPECT_TRUE(silent.wait_peer_closed(kClose)) << "the silent connection is still open";
    ExpectStillServing();
}

}  // namespace
}  // namespace mwb::it
