#include "json_line.hpp"

#include "mqttws/json_string.hpp"

#include <cmath>
#include <cstdio>

namespace mwb::bench {

std::string json_quote(std::string_view text) {
    std::string out;
    mqttws::append_json_string(out, text);
    return out;
}

void JsonLine::key(std::string_view name) {
    if (!body_.empty()) body_ += ',';
    body_ += json_quote(name);
    body_ += ':';
}

JsonLine& JsonLine::add(std::string_view name, std::string_view value) {
    key(name);
    body_ += json_quote(value);
    return *this;
}

JsonLine& JsonLine::add(std::string_view name, std::uint64_t value) {
    key(name);
    body_ += std::to_string(value);
    return *this;
}

JsonLine& JsonLine::add(std::string_view name, std::int64_t value) {
    key(name);
    body_ += std::to_string(value);
    return *this;
}

JsonLine& JsonLine::add(std::string_view name, double value, int decimals) {
    key(name);
    if (!std::isfinite(value)) {
        body_ += "null";
        return *this;
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    body_ += text;
    return *this;
}

JsonLine& JsonLine::add(std::string_view name, bool value) {
    key(name);
    body_ += value ? "true" : "false";
    return *this;
}

}  // namespace mwb::bench
