#include "payload_stamp.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(PayloadStamp, RoundTripsAtTheRequestedSize) {
    const std::string payload = encode_stamp({123456789012345ull, 42}, 100);
    EXPECT_EQ(payload.size(), 100u);
    const auto stamp = decode_stamp(payload);
    ASSERT_TRUE(stamp);
    EXPECT_EQ(stamp->sent_ns, 123456789012345ull);
    EXPECT_EQ(stamp->sequence, 42u);
}

TEST(PayloadStamp, NeverShorterThanTheStamp) {
    EXPECT_EQ(encode_stamp({1, 2}, 5).size(), kStampSize);
}

TEST(PayloadStamp, IsPrintableAscii) {
    for (const char c : encode_stamp({~0ull, ~0ull}, 64)) {
        EXPECT_TRUE(c >= 0x21 && c <= 0x7E) << int(c);
    }
}

TEST(PayloadStamp, WriteStampKeepsThePadding) {
    std::string payload = encode_stamp({0, 0}, 40);
    write_stamp({7, 8}, payload.data());
    EXPECT_EQ(payload.size(), 40u);
    EXPECT_EQ(decode_stamp(payload)->sequence, 8u);
}

TEST(PayloadStamp, RejectsWhatIsNotAStamp) {
    EXPECT_FALSE(decode_stamp("hello"));
    EXPECT_FALSE(decode_stamp(std::string(40, 'x')));
    std::string payload = encode_stamp({1, 2}, 40);
    payload[3] = 'G';
    EXPECT_FALSE(decode_stamp(payload));
}

}  // namespace
}  // namespace mwb::bench
