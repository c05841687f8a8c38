// HistoryReplay without sockets: what a recovering client is handed when the
// history is trimmed under it, and when it unsubscribes mid-replay.
#include "ws/history_replay.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace mqttws::ws {
namespace {

std::shared_ptr<OutboundMessage> message(std::string topic, std::string payload) {
    auto msg = std::make_shared<Message>();
    msg->mqtt_topic = topic;
    msg->topic = std::move(topic);
    msg->payload = std::move(payload);
    msg->kind = PayloadKind::string;
    return std::make_shared<OutboundMessage>(std::move(msg));
}

class HistoryReplayTest : public ::testing::Test {
  protected:
    static HistoryLimits limits() {
        HistoryLimits kept;
        kept.messages = 3;
        return kept;
    }

    // Publishes m1..m`count` on `topic`; the history keeps the last three.
    std::uint64_t publish(const std::string& topic, int count) {
        std::uint64_t through = 0;
        for (int i = 1; i <= count; ++i) {
            const auto outbound = message(topic, "m" + std::to_string(i));
            log.append(outbound, [] {});
            through = outbound->history_mark();
        }
        return through;
    }

    static std::string text(const FramePtr& frame) { return frame ? frame->get_payload() : ""; }

    HistoryLog log{limits(), 1};
};

TEST_F(HistoryReplayTest, ATrimmedStretchIsAnnouncedBeforeTheRest) {
    const std::uint64_t through = publish("a/x", 5);
    HistoryReplay replay(log, {{"a/x", 1}}, through, {"a/#"}, WireForm::payload);

    EXPECT_NE(text(replay.next()).find("\"recovered\":false"), std::string::npos);
    EXPECT_EQ(text(replay.next()), "m3");
    EXPECT_EQ(text(replay.next()), "m4");
    EXPECT_EQ(text(replay.next()), "m5");
    EXPECT_EQ(replay.next(), nullptr);
}

TEST_F(HistoryReplayTest, AnUnsubscribeDropsTheMessageHeldBehindANotice) {
    const std::uint64_t through = publish("a/x", 5);
    HistoryReplay replay(log, {{"a/x", 1}}, through, {"a/#"}, WireForm::payload);
    ASSERT_NE(text(replay.next()).find("\"recovered\":false"), std::string::npos);

    replay.drop_filters({"a/#"});

    EXPECT_EQ(replay.next(), nullptr);
}

TEST_F(HistoryReplayTest, AnUnsubscribeKeepsWhatOtherFiltersStillCover) {
    publish("a/x", 2);
    const std::uint64_t through = publish("b/y", 2);
    HistoryReplay replay(log, {{"a/x", 0}, {"b/y", 0}}, through, {"a/#", "b/#"}, WireForm::payload);
    EXPECT_EQ(text(replay.next()), "m1");

    replay.drop_filters({"a/#"});

    EXPECT_EQ(text(replay.next()), "m1");
    EXPECT_EQ(text(replay.next()), "m2");
    EXPECT_EQ(replay.next(), nullptr);
}

}  // namespace
}  // namespace mqttws::ws
