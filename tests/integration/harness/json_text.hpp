#pragma once

#include <rapidjson/document.h>

#include <string>

namespace mwb::it {

// RapidJSON helpers for checking what the bridge sends.
class JsonText {
  public:
    // Parses `text`; throws std::runtime_error naming the text when it is not JSON.
    static rapidjson::Document parse(const std::string& text);

    // True when `text` parses as JSON.
    static bool is_json(const std::string& text);

    static std::string serialize(const rapidjson::Value& value);
    // `text` as a JSON string literal, quotes and escapes included.
    static std::string quote(const std::string& text);

    // Deep equality of two JSON texts (object member order ignored); false if either is invalid.
    static bool same(const std::string& a, const std::string& b);

    // The string member `name` of an object, or "" when absent / not a string.
    static std::string string_member(const rapidjson::Value& object, const char* name);
};

}  // namespace mwb::it
