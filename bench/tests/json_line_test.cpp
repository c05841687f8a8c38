#include "json_line.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace mwb::bench {
namespace {

TEST(JsonLine, WritesKeysInOrderOnOneLine) {
    JsonLine line;
    line.add("scenario", "fanout").add("clients", std::uint64_t{100}).add("ok", true).add("x", -3);
    EXPECT_EQ(line.str(), R"({"scenario":"fanout","clients":100,"ok":true,"x":-3})");
}

TEST(JsonLine, DoublesWithFixedDecimalsAndNullWhenNotFinite) {
    JsonLine line;
    line.add("a", 1.23456).add("b", 2.5, 1).add("c", std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(line.str(), R"({"a":1.235,"b":2.5,"c":null})");
}

TEST(JsonLine, EscapesStrings) {
    EXPECT_EQ(json_quote("a\"b\\c\nd\x01"), R"("a\"b\\c\nd\u0001")");
    JsonLine line;
    line.add("e\"rr", "x");
    EXPECT_EQ(line.str(), R"({"e\"rr":"x"})");
}

TEST(JsonLine, EmptyObject) {
    EXPECT_EQ(JsonLine().str(), "{}");
}

}  // namespace
}  // namespace mwb::bench
