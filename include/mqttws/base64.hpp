// Standard base64 (RFC 4648 section 4) for binary payloads inside JSON, and
// the URL-safe alphabet without padding (section 5) for session ids.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqttws {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// nullopt when `text` is not canonical standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mqttws
