// Parsing of the command line's durations ("500ms", "30s", "5m") and sizes
// ("512", "64KiB", "1MiB").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mqttws {

// Units: ms, s, m, h. A bare number means seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// Units: B (or none), KiB, MiB, GiB, and KB/MB/GB as the same binary multiples.
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace mqttws
