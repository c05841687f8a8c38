// Retained replay: the bridge keeps the last retained message of each topic; a new subscription
// (at the handshake or by op) first receives the cached messages matching it, flagged
// retain: true, then live traffic, with no duplicates.
//
// The retained messages are published before the bridge starts. The cache lives in each
// delivery thread: before a client connects, each test waits until a probe client on every
// thread has received a marker published after the last retained change (the broker's initial
// retained messages, a delete, an update), so the client's replay can only come from the cache
// and reflects that change whichever thread it lands on.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/json_text.hpp"
#include "harness/session_fixture.hpp"

namespace mwb::it {
namespace {

class SessionRetainedTest : public SessionTest {
  protected:
    void start_with_three_retained() {
        start_with_retained({{"r/1", "one"}, {"r/2", "two"}, {"s/1", "ess"}},
                            {"--send", "msg", "--threads", std::to_string(kShards)});
    }

    // The next `expected.size()` frames are the retained messages `expected` (topic → string
    // payload) in any order, each with retain: true, and nothing else.
    static ::testing::AssertionResult ReceivesRetained(
        WsConnection& connection, const std::map<std::string, std::string>& expected,
        bool protocol = false) {
        std::map<std::string, std::string> got;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            rapidjson::Document msg =
                protocol ? NextProtocolFrame(connection) : NextJson(connection);
            const std::string text = JsonText::serialize(msg);
            if (protocol && JsonText::string_member(msg, "type") != "message") {
                return ::testing::AssertionFailure() << "expected a message envelope, got " << text;
            }
            if (!msg.HasMember("retain") || !msg["retain"].IsBool() || !msg["retain"].GetBool()) {
                return ::testing::AssertionFailure() << "not flagged retain: true: " << text;
            }
            const std::string topic = JsonText::string_member(msg, "topic");
            if (got.count(topic) != 0) {
                return ::testing::AssertionFailure() << "received twice: " << text;
            }
            got[topic] = JsonText::string_member(msg, "payload");
        }
        if (got == expected) return ::testing::AssertionSuccess();
        auto failure = ::testing::AssertionFailure() << "retained messages differ; received:";
        for (const auto& [topic, payload] : got) failure << " " << topic << "='" << payload << "'";
        return failure;
    }

    // The next frame is the live message (topic, string payload) with retain: false.
    static ::testing::AssertionResult ReceivesLive(WsConnection& connection,
                                                   const std::string& topic,
                                                   const std::string& payload,
                                                   bool protocol = false) {
        rapidjson::Document msg = protocol ? NextProtocolFrame(connection) : NextJson(connection);
        ::testing::AssertionResult is_msg = IsMsg(msg, topic, "\"" + payload + "\"");
        if (!is_msg) return is_msg;
        if (msg.HasMember("retain") && msg["retain"].IsBool() && !msg["retain"].GetBool()) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << "live message not flagged retain: false: " << JsonText::serialize(msg);
    }
};

TEST_F(SessionRetainedTest, HandshakeSubscriptionGetsExactlyTheMatchingRetainedBeforeLive) {
    start_with_three_retained();
    // Once every delivery thread has handled a message published after the retained ones, the
    // replay can only come from the cache.
    ASSERT_TRUE(EveryShardSaw(connect_on_every_shard("/ws?topic=sync"), "sync", "cached"));
    WsConnection& plain = connect("/ws?topic=r/%23");
    WsConnection& protocol = connect_protocol("/ws?topic=r/%23");
    publisher().publish("r/live", "live");

    EXPECT_TRUE(ReceivesRetained(plain, {{"r/1", "one"}, {"r/2", "two"}}));
    EXPECT_TRUE(ReceivesLive(plain, "r/live", "live"));
    EXPECT_TRUE(ReceivesRetained(protocol, {{"r/1", "one"}, {"r/2", "two"}}, true));
    EXPECT_TRUE(ReceivesLive(protocol, "r/live", "live", true));
}

TEST_F(SessionRetainedTest, RetainedDeleteRemovesTheEntryForTheNextClient) {
    start_with_three_retained();
    const std::vector<WsConnection*> probes = connect_on_every_shard("/ws?topic=sync");

    publisher().publish("r/1", "", 1, true);  // an empty retained payload deletes r/1
    ASSERT_TRUE(EveryShardSaw(probes, "sync", "after-delete"));

    WsConnection& client = connect("/ws?topic=r/%23");
    publisher().publish("r/live", "live");
    EXPECT_TRUE(ReceivesRetained(client, {{"r/2", "two"}}));
    EXPECT_TRUE(ReceivesLive(client, "r/live", "live"));
}

TEST_F(SessionRetainedTest, RetainedUpdateWhileRunningReplacesTheCachedValue) {
    // MQTT 5: the bridge subscribes with Retain As Published, so live updates of a retained
    // topic keep their retain flag and update the cache.
    start_with_three_retained();
    const std::vector<WsConnection*> probes = connect_on_every_shard("/ws?topic=sync");

    publisher().publish("r/2", "two, updated", 1, true);
    publisher().publish("r/3", "three, new", 1, true);
    ASSERT_TRUE(EveryShardSaw(probes, "sync", "after-update"));

    WsConnection& client = connect("/ws?topic=r/%23");
    publisher().publish("r/live", "live");
    EXPECT_TRUE(
        ReceivesRetained(client, {{"r/1", "one"}, {"r/2", "two, updated"}, {"r/3", "three, new"}}));
    EXPECT_TRUE(ReceivesLive(client, "r/live", "live"));
}

TEST_F(SessionRetainedTest, SubscribeOpAcksThenReplaysOnceAndACoveredFilterReplaysNothing) {
    start_with_three_retained();
    ASSERT_TRUE(EveryShardSaw(connect_on_every_shard("/ws?topic=sync"), "sync", "cached"));
    WsConnection& client = connect_protocol();

    client.send_text(R"({"op":"subscribe","id":1,"topics":["s/#"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 1));
    EXPECT_TRUE(ReceivesRetained(client, {{"s/1", "ess"}}, true));

    // Already covered by s/#, or held already: no second replay.
    client.send_text(R"({"op":"subscribe","id":2,"topics":["s/1"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 2));
    client.send_text(R"({"op":"subscribe","id":3,"topics":["s/+","s/#"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 3));
    publisher().publish("s/live", "live");
    EXPECT_TRUE(ReceivesLive(client, "s/live", "live", true))
        << "a covered subscription replayed s/1 again (or the live message came twice)";

    // A new, uncovered filter replays its own matches only.
    client.send_text(R"({"op":"subscribe","id":4,"topics":["r/2"]})");
    EXPECT_TRUE(IsAck(NextProtocolFrame(client), 4));
    EXPECT_TRUE(ReceivesRetained(client, {{"r/2", "two"}}, true));
    publisher().publish("s/live", "live again");
    EXPECT_TRUE(ReceivesLive(client, "s/live", "live again", true));
}

}  // namespace
}  // namespace mwb::it
