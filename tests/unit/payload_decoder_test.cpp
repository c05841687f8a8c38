// Payload classification per --payload (README, Payloads).
#include "mqttws/payload_decoder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mqttws {
namespace {

using namespace std::string_literals;

std::optional<PayloadKind> auto_kind(std::string_view payload,
                                     std::optional<std::string_view> content_type = {}) {
    return classify_payload(payload, PayloadMode::auto_detect, content_type);
}

const std::string invalid_utf8 = "\xff\xfe\x00\x01"s;

TEST(ParsePayloadMode, KnownNames) {
    EXPECT_EQ(parse_payload_mode("auto"), PayloadMode::auto_detect);
    EXPECT_EQ(parse_payload_mode("string"), PayloadMode::string);
    EXPECT_EQ(parse_payload_mode("json"), PayloadMode::json);
    EXPECT_EQ(parse_payload_mode("binary"), PayloadMode::binary);
    for (const char* bad : {"", "Auto", "JSON", "buffer", "auto ", "utf8"}) {
        EXPECT_EQ(parse_payload_mode(bad), std::nullopt) << bad;
    }
}

TEST(IsJsonContentType, ApplicationJsonAndPlusJson) {
    for (const char* type :
         {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
          "Application/JSON", " application/json ", "application/vnd.api+json",
          "application/ld+json; profile=x", "text/x+json", "APPLICATION/GEO+JSON"}) {
        EXPECT_TRUE(is_json_content_type(type)) << type;
    }
    for (const char* type : {"", "text/plain", "application/jsonx", "application/xml", "json",
                             "+json", "vnd.api+json", "application/json-seq", "text/json+xml",
                             "application/octet-stream; x=application/json"}) {
        EXPECT_FALSE(is_json_content_type(type)) << type;
    }
}

TEST(IsJsonText, AcceptsAnyJsonValueWithSurroundingWhitespace) {
    for (const char* text :
         {"{}", "[]", "{\"a\":[1,2,{\"b\":null}]}", "1", "-0.5e3", "true", "false", "null",
          "\"text\"", " \t\r\n{\"a\":1} \n", "\"caf\xc3\xa9\""}) {
        EXPECT_TRUE(is_json_text(text)) << text;
    }
}

TEST(IsJsonText, RefusesEverythingElse) {
    for (const std::string& text :
         {""s, " "s, "hello"s, "{"s, "{\"a\":}"s, "{} {}"s, "{}x"s, "[1,]"s, "'a'"s, "NaN"s,
          "{}\0"s, "\"\xff\""s, "\"a\0b\""s, "01"s, "{\"a\":1,}"s, "tru"s}) {
        EXPECT_FALSE(is_json_text(text)) << text;
    }
}

TEST(IsJsonText, DeepNestingDoesNotCrash) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_TRUE(is_json_text(deep));
    EXPECT_FALSE(is_json_text(std::string(100000, '[')));
}

TEST(ClassifyAuto, JsonContentTypeWithJsonPayload) {
    EXPECT_EQ(auto_kind("{\"a\":1}", "application/json"), PayloadKind::json);
    EXPECT_EQ(auto_kind("[1,2]", "application/json; charset=utf-8"), PayloadKind::json);
    EXPECT_EQ(auto_kind("{\"a\":1}", "application/cloudevents+json"), PayloadKind::json);
    EXPECT_EQ(auto_kind("42", "application/json"), PayloadKind::json);
}

TEST(ClassifyAuto, JsonContentTypeButNotJson) {
    // A wrong content type does not turn a bad payload into JSON.
    EXPECT_EQ(auto_kind("not json", "application/json"), PayloadKind::string);
    EXPECT_EQ(auto_kind(invalid_utf8, "application/json"), PayloadKind::binary);
}

TEST(ClassifyAuto, WithoutContentTypeUtf8JsonIsJson) {
    EXPECT_EQ(auto_kind("{\"temp\":21.5}"), PayloadKind::json);
    EXPECT_EQ(auto_kind("[1,2,3]"), PayloadKind::json);
    EXPECT_EQ(auto_kind("21.5"), PayloadKind::json);
    EXPECT_EQ(auto_kind("true"), PayloadKind::json);
    EXPECT_EQ(auto_kind("\"quoted\""), PayloadKind::json);
    // A content type Node-RED does not know does not prevent detection.
    EXPECT_EQ(auto_kind("{\"a\":1}", "text/x-unknown"), PayloadKind::json);
    EXPECT_EQ(auto_kind("{\"a\":1}", "text/plain; charset=utf-8"), PayloadKind::json);
}

TEST(ClassifyAuto, ContentTypesNodeRedKnowsDecideTheKind) {
    // Node-RED's mqtt in table: text types are strings, byte types bytes, whatever they hold.
    for (const char* type :
         {"text/plain", "TEXT/PLAIN", "text/html", "text/css", "application/xml"}) {
        EXPECT_EQ(auto_kind("{\"a\":1}", type), PayloadKind::string) << type;
    }
    for (const char* type :
         {"application/octet-stream", "image/png", "application/zip", "audio/ogg"}) {
        EXPECT_EQ(auto_kind("abc", type), PayloadKind::binary) << type;
    }
    // Text that is not UTF-8 stays bytes rather than being repaired.
    EXPECT_EQ(auto_kind(invalid_utf8, "text/plain"), PayloadKind::binary);
}

TEST(ClassifyAuto, Utf8NonJsonIsString) {
    EXPECT_EQ(auto_kind("hello world"), PayloadKind::string);
    EXPECT_EQ(auto_kind(""), PayloadKind::string);
    EXPECT_EQ(auto_kind("caf\xc3\xa9"), PayloadKind::string);
    EXPECT_EQ(auto_kind("{not json"), PayloadKind::string);
    EXPECT_EQ(auto_kind("line\nbreak\ttab"), PayloadKind::string);
    EXPECT_EQ(auto_kind("a\0b"s), PayloadKind::string);  // U+0000 is valid UTF-8
}

TEST(ClassifyAuto, InvalidUtf8IsBinary) {
    EXPECT_EQ(auto_kind(invalid_utf8), PayloadKind::binary);
    EXPECT_EQ(auto_kind("\x89PNG\r\n\x1a\n"s), PayloadKind::binary);
    EXPECT_EQ(auto_kind("abc\xc3"s), PayloadKind::binary);
    EXPECT_EQ(auto_kind("\xed\xa0\x80"s), PayloadKind::binary);  // surrogate
}

TEST(ClassifyString, Utf8IsStringEvenWhenJson) {
    const auto mode = PayloadMode::string;
    EXPECT_EQ(classify_payload("{\"a\":1}", mode, std::nullopt), PayloadKind::string);
    EXPECT_EQ(classify_payload("{\"a\":1}", mode, "application/json"), PayloadKind::string);
    EXPECT_EQ(classify_payload("hello", mode, std::nullopt), PayloadKind::string);
    EXPECT_EQ(classify_payload("", mode, std::nullopt), PayloadKind::string);
    EXPECT_EQ(classify_payload(invalid_utf8, mode, std::nullopt), PayloadKind::binary);
}

TEST(ClassifyJson, RefusesInvalidJson) {
    const auto mode = PayloadMode::json;
    EXPECT_EQ(classify_payload("{\"a\":1}", mode, std::nullopt), PayloadKind::json);
    EXPECT_EQ(classify_payload("12", mode, std::nullopt), PayloadKind::json);
    EXPECT_EQ(classify_payload("hello", mode, std::nullopt), std::nullopt);
    EXPECT_EQ(classify_payload("hello", mode, "application/json"), std::nullopt);
    EXPECT_EQ(classify_payload("", mode, std::nullopt), std::nullopt);
    EXPECT_EQ(classify_payload("{\"a\":1", mode, std::nullopt), std::nullopt);
    EXPECT_EQ(classify_payload(invalid_utf8, mode, std::nullopt), std::nullopt);
    EXPECT_EQ(classify_payload("\"\xff\""s, mode, std::nullopt), std::nullopt);
}

TEST(ClassifyBinary, AlwaysBinary) {
    const auto mode = PayloadMode::binary;
    for (const std::string& payload : {"{\"a\":1}"s, "hello"s, ""s, invalid_utf8}) {
        EXPECT_EQ(classify_payload(payload, mode, std::nullopt), PayloadKind::binary);
        EXPECT_EQ(classify_payload(payload, mode, "application/json"), PayloadKind::binary);
    }
}

}  // namespace
}  // namespace mqttws
