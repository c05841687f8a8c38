#include "protocol_frames.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(ProtocolFrames, ASubscribeAsksForPositionsOrRecoversFromThem) {
    EXPECT_EQ(subscribe_request("b/rec/7/#", nullptr),
              R"({"op":"subscribe","id":1,"topics":["b/rec/7/#"],"recover":true})");
    const PositionMap since{{"b/rec/7/0", {1, "9f3c0123456789ab"}},
                            {"b/rec/7/1", {26, "00000000000000ff"}}};
    EXPECT_EQ(subscribe_request("b/rec/7/#", &since),
              R"({"op":"subscribe","id":1,"topics":["b/rec/7/#"],"since":{)"
              R"("b/rec/7/0":{"offset":1,"epoch":"9f3c0123456789ab"},)"
              R"("b/rec/7/1":{"offset":26,"epoch":"00000000000000ff"}}})");
}

TEST(ProtocolFrames, AnAckCarriesPositions) {
    const ProtocolFrame ack = parse_protocol_frame(
        R"({"type":"ack","id":1,"positions":{"a/0":{"offset":1,"epoch":"9f3c0123456789ab"},)"
        R"("a/1":{"offset":3,"epoch":"0000000000000001"}},"positionsComplete":false})");
    EXPECT_EQ(ack.type, FrameType::Ack);
    EXPECT_FALSE(ack.recovered);
    ASSERT_TRUE(ack.positions);
    EXPECT_EQ(*ack.positions,
              (PositionMap{{"a/0", {1, "9f3c0123456789ab"}}, {"a/1", {3, "0000000000000001"}}}));
    EXPECT_FALSE(ack.positions_complete);
}

TEST(ProtocolFrames, AnAckSaysWhetherItRecoveredAndWhyNot) {
    const ProtocolFrame yes = parse_protocol_frame(R"({"type":"ack","id":1,"recovered":true})");
    EXPECT_EQ(yes.recovered, std::optional<bool>(true));
    EXPECT_FALSE(yes.positions);
    const ProtocolFrame no = parse_protocol_frame(
        R"({"type":"ack","id":1,"recovered":false,"reason":"trimmed","topic":"a/0"})");
    EXPECT_EQ(no.recovered, std::optional<bool>(false));
    EXPECT_EQ(no.reason, "trimmed");
    EXPECT_EQ(no.topic, "a/0");
}

TEST(ProtocolFrames, AMessageHasItsTopicAndPosition) {
    const ProtocolFrame message = parse_protocol_frame(
        R"({"type":"message","topic":"a/1","payload":"x","qos":0,"retain":false,)"
        R"("_msgid":"m","offset":12,"epoch":"9f3c0123456789ab"})");
    EXPECT_EQ(message.type, FrameType::Message);
    EXPECT_EQ(message.topic, "a/1");
    EXPECT_EQ(message.position, (StreamPosition{12, "9f3c0123456789ab"}));
    const ProtocolFrame unkept =
        parse_protocol_frame(R"({"type":"message","topic":"a/1","payload":{"v":1}})");
    EXPECT_FALSE(unkept.position);
}

TEST(ProtocolFrames, ALossMidReplayAndOtherFrames) {
    const ProtocolFrame lost = parse_protocol_frame(
        R"({"type":"recovery","recovered":false,"reason":"trimmed","topic":"a/0"})");
    EXPECT_EQ(lost.type, FrameType::Recovery);
    EXPECT_EQ(lost.recovered, std::optional<bool>(false));
    EXPECT_EQ(parse_protocol_frame(R"({"type":"welcome","session":"s"})").type, FrameType::Welcome);
    EXPECT_EQ(parse_protocol_frame(R"({"type":"status","mqtt":"connected"})").type,
              FrameType::Other);
    EXPECT_EQ(parse_protocol_frame("00000000000000010000000000000002 x").type, FrameType::Invalid);
    EXPECT_EQ(parse_protocol_frame(R"({"type":1})").type, FrameType::Invalid);
}

}  // namespace
}  // namespace mwb::bench
