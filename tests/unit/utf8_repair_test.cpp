// to_valid_utf8: invalid bytes become U+FFFD, one per byte, so any text can
// go into a JSON text frame.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "mqttws/utf8.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

const std::string fffd = "\xef\xbf\xbd";

std::string times(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

TEST(ToValidUtf8, ValidInputIsUnchanged) {
    for (const std::string& text :
         {""s, "ascii"s, "a\0b"s, "\x7f"s, "caf\xc3\xa9"s, "\xe2\x82\xac"s, "\xf0\x9f\x98\x80"s,
          "\xf4\x8f\xbf\xbf"s, "\xed\x9f\xbf"s, "\xee\x80\x80"s, fffd,
          "mixed \xc3\xa9\xe2\x82\xac!"s}) {
        ASSERT_TRUE(is_valid_utf8(text));
        EXPECT_EQ(to_valid_utf8(text), text) << ::testing::PrintToString(text);
    }
}

TEST(ToValidUtf8, EachInvalidByteBecomesOneReplacement) {
    EXPECT_EQ(to_valid_utf8("\xff"s), fffd);
    EXPECT_EQ(to_valid_utf8("\x80"s), fffd);
    EXPECT_EQ(to_valid_utf8("a\xffz"s), "a" + fffd + "z");
    EXPECT_EQ(to_valid_utf8("\xfe\xff"s), fffd + fffd);
    EXPECT_EQ(to_valid_utf8("\x80\x80\x80"s), times(fffd, 3));
    EXPECT_EQ(to_valid_utf8("\xf8\x88\x80\x80\x80"s), times(fffd, 5));  // 5-byte form
}

TEST(ToValidUtf8, BadContinuationKeepsTheFollowingCharacter) {
    EXPECT_EQ(to_valid_utf8("\xc3\x28"s), fffd + "(");
    EXPECT_EQ(to_valid_utf8("\xe2\x82\x28"s), fffd + fffd + "(");
    EXPECT_EQ(to_valid_utf8("\xe2\xc3\xa9"s), fffd + "\xc3\xa9");
}

TEST(ToValidUtf8, TruncatedSequenceAtTheEnd) {
    EXPECT_EQ(to_valid_utf8("a\xc3"s), "a" + fffd);
    EXPECT_EQ(to_valid_utf8("ab\xe2\x82"s), "ab" + fffd + fffd);
    EXPECT_EQ(to_valid_utf8("abc\xf0\x9f\x98"s), "abc" + times(fffd, 3));
    // A complete character before the truncated one survives.
    EXPECT_EQ(to_valid_utf8("\xc3\xa9\xf0\x9f"s), "\xc3\xa9" + fffd + fffd);
}

TEST(ToValidUtf8, OverlongFormsAreReplaced) {
    EXPECT_EQ(to_valid_utf8("\xc0\x80"s), times(fffd, 2));  // overlong NUL
    EXPECT_EQ(to_valid_utf8("\xc0\xaf"s), times(fffd, 2));  // overlong '/'
    EXPECT_EQ(to_valid_utf8("\xc1\xbf"s), times(fffd, 2));
    EXPECT_EQ(to_valid_utf8("\xe0\x80\xaf"s), times(fffd, 3));
    EXPECT_EQ(to_valid_utf8("\xe0\x9f\xbf"s), times(fffd, 3));
    EXPECT_EQ(to_valid_utf8("\xf0\x80\x80\xaf"s), times(fffd, 4));
    EXPECT_EQ(to_valid_utf8("\xf0\x8f\xbf\xbf"s), times(fffd, 4));
}

TEST(ToValidUtf8, SurrogatesAndOutOfRangeAreReplaced) {
    EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"s), times(fffd, 3));  // U+D800
    EXPECT_EQ(to_valid_utf8("\xed\xbf\xbf"s), times(fffd, 3));  // U+DFFF
    EXPECT_EQ(to_valid_utf8("x\xed\xa0\x80y"s), "x" + times(fffd, 3) + "y");
    // A CESU-8 pair (two encoded surrogates) is six invalid bytes.
    EXPECT_EQ(to_valid_utf8("\xed\xa0\xbd\xed\xb8\x80"s), times(fffd, 6));
    EXPECT_EQ(to_valid_utf8("\xf4\x90\x80\x80"s), times(fffd, 4));  // U+110000
    EXPECT_EQ(to_valid_utf8("\xf5\x80\x80\x80"s), times(fffd, 4));
}

TEST(ToValidUtf8, OutputIsAlwaysValidAndRepairIsIdempotent) {
    std::mt19937 rng(20240601);
    // Bytes biased towards the interesting ranges: ASCII, continuation
    // bytes, lead bytes (including the invalid ones).
    const unsigned char palette[] = {'a',  '/',  0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                     0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed,
                                     0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof palette - 1);
    std::uniform_int_distribution<int> length(0, 24);
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const int n = length(rng);
        for (int i = 0; i < n; ++i) text += static_cast<char>(palette[pick(rng)]);
        const std::string out = to_valid_utf8(text);
        ASSERT_TRUE(is_valid_utf8(out)) << ::testing::PrintToString(text);
        ASSERT_EQ(to_valid_utf8(out), out) << ::testing::PrintToString(text);
        if (is_valid_utf8(text)) {
            ASSERT_EQ(out, text);
        } else {
            ASSERT_NE(out.find(fffd), std::string::npos) << ::testing::PrintToString(text);
        }
        // Each input byte is kept or becomes U+FFFD (the palette holds no
        // 0xbd, so every U+FFFD in the output is a replacement): the output
        // is 2 bytes longer per replacement.
        std::size_t replaced = 0;
        for (std::size_t at = out.find(fffd); at != std::string::npos;
             at = out.find(fffd, at + fffd.size())) {
            ++replaced;
        }
        ASSERT_EQ(out.size(), text.size() + 2 * replaced) << ::testing::PrintToString(text);
    }
}

}  // namespace
}  // namespace mqttws
