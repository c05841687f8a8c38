// Nesting check before a DOM is built: RapidJSON's iterative parser cannot
// overflow the stack, but re-serialising a DOM (Accept) recurses per level.
#pragma once

#include <string_view>

namespace mqttws {

// True when `json` parses and nests at most `max_depth` arrays/objects.
bool json_within_depth(std::string_view json, int max_depth);

}  // namespace mqttws
