// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
#pragma once

#include <string>
#include <string_view>

namespace mqttws {

bool is_valid_utf8(std::string_view text);

// `text` with every byte that is not part of a valid sequence replaced by
// U+FFFD, so it can go into a JSON text frame.
std::string to_valid_utf8(std::string_view text);

}  // namespace mqttws
