#include "mqtt_codec.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(MqttCodec, ConnectV5) {
    const std::string packet = mqtt_connect("id", MqttVersion::V5, 0);
    const std::string expected("\x10\x0F\x00\x04MQTT\x05\x02\x00\x00\x00\x00\x02id", 17);
    EXPECT_EQ(packet, expected);
}

TEST(MqttCodec, SubscribeV311) {
    const std::string packet = mqtt_subscribe(1, "a/#", MqttVersion::V311);
    EXPECT_EQ(packet, std::string("\x82\x08\x00\x01\x00\x03"
                                  "a/#\x00",
                                  10));
}

TEST(MqttCodec, PublishV5RoundTripsWithProperties) {
    std::string out;
    append_mqtt_publish(out, "t/1", "payload", MqttVersion::V5, {{"session", "abc"}}, "reply/x");
    const PacketView packet = split_mqtt_packet(out);
    ASSERT_EQ(packet.status, PacketStatus::Complete);
    EXPECT_EQ(packet.type, MqttPacketType::Publish);
    EXPECT_EQ(packet.consumed, out.size());
    const PublishView publish = read_mqtt_publish(packet.body, packet.flags, MqttVersion::V5);
    ASSERT_TRUE(publish.valid);
    EXPECT_EQ(publish.topic, "t/1");
    EXPECT_EQ(publish.payload, "payload");
    EXPECT_EQ(publish.response_topic, "reply/x");
}

TEST(MqttCodec, RetainedPublishSetsOnlyTheRetainFlag) {
    std::string out = "x";  // appended after what is there
    append_mqtt_retained_publish(out, "t", "p", MqttVersion::V5);
    EXPECT_EQ(out, std::string("x\x31\x05\x00\x01t\x00p", 8));
    const PacketView packet = split_mqtt_packet(std::string_view(out).substr(1));
    ASSERT_EQ(packet.status, PacketStatus::Complete);
    EXPECT_EQ(packet.type, MqttPacketType::Publish);
    EXPECT_EQ(packet.flags, 0x01);
    const PublishView publish = read_mqtt_publish(packet.body, packet.flags, MqttVersion::V5);
    ASSERT_TRUE(publish.valid);
    EXPECT_EQ(publish.payload, "p");
}

TEST(MqttCodec, EmptyRetainedPublishDeletes) {
    std::string out;
    append_mqtt_retained_publish(out, "t", "", MqttVersion::V311);
    EXPECT_EQ(out, std::string("\x31\x03\x00\x01t", 5));
}

TEST(MqttCodec, Pingreq) {
    const PacketView packet = split_mqtt_packet(mqtt_pingreq());
    ASSERT_EQ(packet.status, PacketStatus::Complete);
    EXPECT_EQ(packet.type, MqttPacketType::Pingreq);
    EXPECT_EQ(packet.consumed, 2u);
}

TEST(MqttCodec, PublishV311HasNoProperties) {
    std::string out;
    append_mqtt_publish(out, "t", "p", MqttVersion::V311, {{"ignored", "x"}});
    EXPECT_EQ(out, std::string("\x30\x04\x00\x01tp", 6));
    const PacketView packet = split_mqtt_packet(out);
    const PublishView publish = read_mqtt_publish(packet.body, packet.flags, MqttVersion::V311);
    ASSERT_TRUE(publish.valid);
    EXPECT_EQ(publish.payload, "p");
}

TEST(MqttCodec, LongPacketsUseAMultiByteLength) {
    std::string out;
    append_mqtt_publish(out, "t", std::string(200, 'x'), MqttVersion::V5);
    EXPECT_EQ(static_cast<unsigned char>(out[1]), 0x80 | (204 & 0x7F));
    EXPECT_EQ(static_cast<unsigned char>(out[2]), 204 >> 7);
    EXPECT_EQ(split_mqtt_packet(out).body.size(), 204u);
}

TEST(MqttCodec, SplitsIncompleteAndInvalidPackets) {
    EXPECT_EQ(split_mqtt_packet("").status, PacketStatus::Incomplete);
    EXPECT_EQ(split_mqtt_packet(std::string("\x30\x05\x00", 3)).status, PacketStatus::Incomplete);
    EXPECT_EQ(split_mqtt_packet("\x30\xFF\xFF\xFF\xFF\x01").status, PacketStatus::Invalid);
    const PacketView suback = split_mqtt_packet(std::string("\x90\x03\x00\x01\x00", 5));
    EXPECT_EQ(suback.type, MqttPacketType::Suback);
}

TEST(MqttCodec, QoS1PublishSkipsThePacketId) {
    const std::string body("\x00\x01t\x00\x07\x00p", 7);  // topic, id 7, no properties, "p"
    const PublishView publish = read_mqtt_publish(body, 0x02, MqttVersion::V5);
    ASSERT_TRUE(publish.valid);
    EXPECT_EQ(publish.payload, "p");
}

TEST(MqttCodec, TruncatedPropertiesAreInvalid) {
    const std::string body("\x00\x01t\x05\x08\x00", 6);
    EXPECT_FALSE(read_mqtt_publish(body, 0, MqttVersion::V5).valid);
}

}  // namespace
}  // namespace mwb::bench
