// Nesting check before a DOM is built: RapidJSON's iterative parser cannot
// overflow the stack, but re-serialising a DOM (Accept) recurses per level.
#pragma once

#include <string_view>

namespace mqttws {

enum class JsonDepth { ok, too_deep, invalid };

// Whether `json` parses (UTF-8 checked) and nests at most `max_depth`
// arrays/objects.
JsonDepth check_json_depth(std::string_view json, int max_depth);

inline bool json_within_depth(std::string_view json, int max_depth) {
    return check_json_depth(json, max_depth) == JsonDepth::ok;
}

}  // namespace mqttws
