#include "mqttws/units.hpp"

#include <charconv>
#include <limits>
#include <string>

namespace mqttws {

namespace {

// Splits "30s" into 30 and "s". Fails on an empty or non-numeric prefix.
bool split_number(std::string_view text, std::uint64_t& number, std::string_view& unit) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, number);
    if (ec != std::errc() || ptr == begin) return false;
    unit = std::string_view(ptr, static_cast<std::size_t>(end - ptr));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    return true;
}

bool multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
    out = a * b;
    return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::uint64_t number = 0;
    std::string_view unit;
    if (!split_number(text, number, unit)) return std::nullopt;
    std::uint64_t factor;
    if (unit == "ms") {
        factor = 1;
    } else if (unit.empty() || unit == "s") {
        factor = 1000;
    } else if (unit == "m" || unit == "min") {
        factor = 60'000;
    } else if (unit == "h") {
        factor = 3'600'000;
    } else {
        return std::nullopt;
    }
    std::uint64_t ms;
    if (!multiply(number, factor, ms) ||
        ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t number = 0;
    std::string_view unit;
    if (!split_number(text, number, unit)) return std::nullopt;
    std::uint64_t factor;
    if (unit.empty() || unit == "B") {
        factor = 1;
    } else if (unit == "KiB" || unit == "KB" || unit == "K" || unit == "k") {
        factor = 1ULL << 10;
    } else if (unit == "MiB" || unit == "MB" || unit == "M") {
        factor = 1ULL << 20;
    } else if (unit == "GiB" || unit == "GB" || unit == "G") {
        factor = 1ULL << 30;
    } else {
        return std::nullopt;
    }
    std::uint64_t bytes;
    if (!multiply(number, factor, bytes)) return std::nullopt;
    return bytes;
}

}  // namespace mqttws
