// Writes one flat JSON object on one line, keys in the order they were added: the
// benchmark's whole result, easy to grep, to append to a file and to read with jq.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mwb::bench {

class JsonLine {
  public:
    JsonLine& add(std::string_view key, std::string_view value);
    JsonLine& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    JsonLine& add(std::string_view key, std::uint64_t value);
    JsonLine& add(std::string_view key, std::int64_t value);
    JsonLine& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
    // Non-finite numbers are written as null; `decimals` digits after the point.
    JsonLine& add(std::string_view key, double value, int decimals = 3);
    JsonLine& add(std::string_view key, bool value);

    // The object, without a trailing newline.
    std::string str() const { return "{" + body_ + "}"; }

  private:
    void key(std::string_view name);
    std::string body_;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace mwb::bench
