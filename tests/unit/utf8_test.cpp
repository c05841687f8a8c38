// Strict UTF-8 validation (RFC 3629).
#include "mqttws/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mqttws {
namespace {

using namespace std::string_literals;

TEST(Utf8, Valid) {
    for (const std::string& text : {""s, "ascii"s, "\0"s, "a\0b"s, "\x7f"s, "\xc2\x80"s,
                                    "\xdf\xbf"s, "caf\xc3\xa9"s, "\xe0\xa0\x80"s, "\xe2\x82\xac"s,
                                    "\xed\x9f\xbf"s /* U+D7FF */, "\xee\x80\x80"s /* U+E000 */,
                                    "\xef\xbf\xbf"s /* U+FFFF */, "\xf0\x90\x80\x80"s /* U+10000 */,
                                    "\xf0\x9f\x98\x80"s, "\xf4\x8f\xbf\xbf"s /* U+10FFFF */}) {
        EXPECT_TRUE(is_valid_utf8(text)) << text;
    }
}

TEST(Utf8, Invalid) {
    for (const std::string& text : {
             "\x80"s,                  // lone continuation byte
             "\xbf"s,                  //
             "\xc0\x80"s,              // overlong NUL
             "\xc1\xbf"s,              // overlong
             "\xe0\x80\x80"s,          // overlong
             "\xe0\x9f\xbf"s,          // overlong U+07FF
             "\xf0\x80\x80\x80"s,      // overlong
             "\xf0\x8f\xbf\xbf"s,      // overlong U+FFFF
             "\xed\xa0\x80"s,          // U+D800 surrogate
             "\xed\xbf\xbf"s,          // U+DFFF surrogate
             "\xf4\x90\x80\x80"s,      // U+110000
             "\xf5\x80\x80\x80"s,      //
             "\xf8\x88\x80\x80\x80"s,  // 5-byte form
             "\xfe"s,
             "\xff"s,              //
             "\xc3"s,              // truncated
             "\xe2\x82"s,          // truncated
             "\xf0\x9f\x98"s,      // truncated
             "a\xc3"s,             // truncated at the end
             "\xc3\x28"s,          // bad continuation
             "\xe2\x28\xa1"s,      //
             "\xe2\x82\x28"s,      //
             "\xf0\x9f\x28\x80"s,  //
             "ok\xffok"s,          //
         }) {
        EXPECT_FALSE(is_valid_utf8(text)) << ::testing::PrintToString(text);
    }
}

}  // namespace
}  // namespace mqttws
