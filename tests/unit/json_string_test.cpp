// JSON string literals for arbitrary text (log lines): always valid JSON on
// one line. Checked as strings and by parsing them back with RapidJSON.
#include "mqttws/json_string.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace mqttws {
namespace {

std::string json_literal(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

// Parses `literal` as a JSON document that must be one string; returns it.
std::string parsed_back(const std::string& literal) {
    rapidjson::Document doc;
    doc.Parse(literal.c_str(), literal.size());
    EXPECT_FALSE(doc.HasParseError()) << literal;
    EXPECT_TRUE(doc.IsString()) << literal;
    return doc.IsString() ? std::string(doc.GetString(), doc.GetStringLength()) : "";
}

TEST(JsonString, PlainTextIsQuoted) {
    EXPECT_EQ(json_literal("connection open"), "\"connection open\"");
    EXPECT_EQ(json_literal(""), "\"\"");
}

TEST(JsonString, AppendsToWhatIsThere) {
    std::string out = "{\"msg\":";
    append_json_string(out, "x");
    EXPECT_EQ(out, "{\"msg\":\"x\"");
}

TEST(JsonString, QuotesAndBackslashesAreEscaped) {
    EXPECT_EQ(json_literal(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
}

TEST(JsonString, NewlinesAndControlCharactersStayOnOneLine) {
    const std::string text = "line one\nline two\r\n\ttab\b\f\x01\x1f end";
    const std::string literal = json_literal(text);
    EXPECT_EQ(literal.find('\n'), std::string::npos);
    EXPECT_EQ(literal.find('\r'), std::string::npos);
    EXPECT_EQ(literal, R"("line one\nline two\r\n\ttab\b\f\u0001\u001f end")");
    EXPECT_EQ(parsed_back(literal), text);
}

TEST(JsonString, ValidUtf8IsKept) {
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    EXPECT_EQ(json_literal(text), "\"" + text + "\"");
    EXPECT_EQ(parsed_back(json_literal(text)), text);
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacters) {
    const std::string literal = json_literal(
        "a\xff"
        "b\xc3");
    EXPECT_EQ(literal,
              "\"a\xef\xbf\xbd"
              "b\xef\xbf\xbd\"");
    EXPECT_EQ(parsed_back(literal),
              "a\xef\xbf\xbd"
              "b\xef\xbf\xbd");
}

TEST(JsonString, EveryByteValueParsesBack) {
    std::string text;
    for (int c = 0; c < 128; ++c) text += static_cast<char>(c);
    EXPECT_EQ(parsed_back(json_literal(text)), text);
}

}  // namespace
}  // namespace mqttws
