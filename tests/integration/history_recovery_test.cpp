// History and recovery (--history): a protocol client that passes back the positions it
// kept gets exactly what it missed, per topic in order, then live messages; and is told
// recovered:false, with the reason, when that cannot be proven (a restarted bridge, a
// trimmed history).

#include <csignal>
#include <map>
#include <string>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

struct Position {
    unsigned long long offset = 0;
    std::string epoch;
};
using Positions = std::map<std::string, Position>;

class HistoryRecoveryTest : public BridgeTest {
  protected:
    // Subscribes `filter` asking for positions; returns the ack.
    rapidjson::Document subscribe(WsConnection& client, const std::string& filter,
                                  const Positions* since = nullptr) {
        std::string frame = R"({"op":"subscribe","id":7,"topics":[")" + filter + R"("])";
        if (since) {
            frame += R"(,"since":{)";
            bool first = true;
            for (const auto& [topic, at] : *since) {
                if (!first) frame += ",";
                first = false;
                frame += "\"" + topic + R"(":{"offset":)" + std::to_string(at.offset) +
                         R"(,"epoch":")" + at.epoch + "\"}";
            }
            frame += "}";
        } else {
            frame += R"(,"recover":true)";
        }
        frame += "}";
        client.send_text(frame);
        rapidjson::Document ack = NextProtocolFrame(client);
        EXPECT_EQ(JsonText::string_member(ack, "type"), "ack") << JsonText::serialize(ack);
        return ack;
    }

    // A client subscribes to h/# asking for positions, gets one message on each of
    // kTopics, and goes away; what it kept.
    Positions visit_and_leave();

    // The positions an ack carries.
    static Positions positions_of(const rapidjson::Value& ack) {
        Positions out;
        if (!ack.HasMember("positions") || !ack["positions"].IsObject()) return out;
        for (const auto& m : ack["positions"].GetObject()) {
            out[m.name.GetString()] = {m.value["offset"].GetUint64(),
                                       JsonText::string_member(m.value, "epoch")};
        }
        return out;
    }

    // Reads `count` message envelopes; keeps their positions; returns "topic payload" each.
    static std::vector<std::string> read_messages(WsConnection& client, std::size_t count,
                                                  Positions& positions) {
        std::vector<std::string> got;
        while (got.size() < count) {
            rapidjson::Document frame = NextProtocolFrame(client);
            EXPECT_EQ(JsonText::string_member(frame, "type"), "message")
                << JsonText::serialize(frame);
            if (JsonText::string_member(frame, "type") != "message") break;
            const std::string topic = JsonText::string_member(frame, "topic");
            EXPECT_TRUE(frame.HasMember("offset") && frame["offset"].IsUint64())
                << JsonText::serialize(frame);
            if (frame.HasMember("offset")) {
                positions[topic] = {frame["offset"].GetUint64(),
                                    JsonText::string_member(frame, "epoch")};
            }
            got.push_back(topic + " " + JsonText::string_member(frame, "payload"));
        }
        return got;
    }
};

const std::vector<std::string> kTopics = {"h/a", "h/b", "h/c"};

Positions HistoryRecoveryTest::visit_and_leave() {
    WsConnection& first = connect_protocol();
    Positions positions = positions_of(subscribe(first, "h/#"));
    publish_topics(kTopics);
    read_messages(first, kTopics.size(), positions);
    EXPECT_EQ(positions.size(), kTopics.size());
    first.close();
    EXPECT_TRUE(first.wait_closed(kDelivery));
    return positions;
}

// What each topic got, in order.
std::map<std::string, std::vector<std::string>> per_topic(const std::vector<std::string>& got) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& line : got) {
        const auto space = line.find(' ');
        out[line.substr(0, space)].push_back(line.substr(space + 1));
    }
    return out;
}

TEST_F(HistoryRecoveryTest, AClientThatComesBackGetsExactlyWhatItMissedThenLive) {
    start({"--history", "200"});
    WsConnection& first = connect_protocol();
    rapidjson::Document ack = subscribe(first, "h/#");
    ASSERT_TRUE(ack.HasMember("positions")) << JsonText::serialize(ack);
    Positions positions = positions_of(ack);
    publish_topics(kTopics);
    read_messages(first, kTopics.size(), positions);
    ASSERT_EQ(positions.size(), 3u);
    first.close();
    ASSERT_TRUE(first.wait_closed(kDelivery));

    std::map<std::string, std::vector<std::string>> expected;
    for (int i = 0; i < 100; ++i) {
        const std::string& topic = kTopics[static_cast<std::size_t>(i) % 3];
        publisher().publish(topic, "m" + std::to_string(i));
        expected[topic].push_back("m" + std::to_string(i));
    }
    WsConnection& second = connect_protocol();
    ack = subscribe(second, "h/#", &positions);
    ASSERT_TRUE(ack.HasMember("recovered") && ack["recovered"].GetBool())
        << JsonText::serialize(ack);
    const auto got = read_messages(second, 100, positions);
    EXPECT_EQ(per_topic(got), expected);
    publisher().publish("h/b", "live");
    EXPECT_EQ(read_messages(second, 1, positions), std::vector<std::string>{"h/b live"});
}

TEST_F(HistoryRecoveryTest, AMessagePublishedDuringTheReplayIsNeitherLostNorDuplicated) {
    start({"--history", "500"});
    Positions positions = visit_and_leave();

    std::map<std::string, std::vector<std::string>> expected;
    auto publish = [&](int i) {
        const std::string& topic = kTopics[static_cast<std::size_t>(i) % 3];
        publisher().publish(topic, "m" + std::to_string(i));
        expected[topic].push_back("m" + std::to_string(i));
    };
    for (int i = 0; i < 200; ++i) publish(i);
    WsConnection& second = connect_protocol();
    const rapidjson::Document ack = subscribe(second, "h/#", &positions);
    ASSERT_TRUE(ack.HasMember("recovered") && ack["recovered"].GetBool())
        << JsonText::serialize(ack);
    // While the replay streams: more, live.
    for (int i = 200; i < 300; ++i) publish(i);
    EXPECT_EQ(per_topic(read_messages(second, 300, positions)), expected);
}

TEST_F(HistoryRecoveryTest, ARestartedBridgeSaysNotRecovered) {
    start({"--history", "100"});
    Positions positions = visit_and_leave();

    bridge().send_signal(SIGTERM);
    ASSERT_TRUE(bridge().wait_exit(kDelivery));
    start_bridge({"--history", "100"});
    publisher().publish("h/a", "after the restart");
    WsConnection& second = connect_protocol();
    const rapidjson::Document ack = subscribe(second, "h/#", &positions);
    ASSERT_TRUE(ack.HasMember("recovered")) << JsonText::serialize(ack);
    EXPECT_FALSE(ack["recovered"].GetBool());
    const std::string reason = JsonText::string_member(ack, "reason");
    EXPECT_TRUE(reason == "epoch_changed" || reason == "unknown_topic") << reason;
}

TEST_F(HistoryRecoveryTest, ATrimmedHistorySaysNotRecoveredAndGivesTheRetainedStateInstead) {
    start({"--history", "5"});
    WsConnection& first = connect_protocol();
    Positions positions = positions_of(subscribe(first, "h/#"));
    publisher().publish("h/a", "seen");
    read_messages(first, 1, positions);
    first.close();
    ASSERT_TRUE(first.wait_closed(kDelivery));

    for (int i = 0; i < 10; ++i) publisher().publish("h/a", "m" + std::to_string(i));
    publisher().publish("h/a", "state", 0, true);
    // Seven went (eleven kept on a topic that keeps five, and the one seen).
    ASSERT_TRUE(BridgeMetrics::wait_until(
        bridge().port(), R"(mwb_history_dropped_total{reason="trimmed"})",
        [](double v) { return v >= 7; }, kDelivery));
    WsConnection& second = connect_protocol();
    const rapidjson::Document ack = subscribe(second, "h/#", &positions);
    ASSERT_TRUE(ack.HasMember("recovered")) << JsonText::serialize(ack);
    EXPECT_FALSE(ack["recovered"].GetBool());
    EXPECT_EQ(JsonText::string_member(ack, "reason"), "trimmed");
    EXPECT_EQ(JsonText::string_member(ack, "topic"), "h/a");
    // Not a partial replay: the current state, to start again from.
    Positions ignored;
    EXPECT_EQ(read_messages(second, 1, ignored), std::vector<std::string>{"h/a state"});
}

}  // namespace
}  // namespace mwb::it
