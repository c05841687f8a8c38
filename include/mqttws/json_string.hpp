// JSON string literals for text the bridge did not write itself (log
// messages, close reasons, topics): always valid JSON on one line, whatever
// the bytes.
#pragma once

#include <string>
#include <string_view>

namespace mqttws {

// Appends `text` to `out` as a quoted JSON string: `"` and `\` escaped,
// control characters (newlines included) as \n, \t, ... or \u00XX, and
// bytes that are not valid UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace mqttws
