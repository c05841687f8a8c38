// The --token-file format: a JSON object listing tokens by their SHA-256 (the
// file never holds a token itself), each with what it may subscribe to and
// publish to and an optional subject. Pure: the caller reads the file.
//
//   {"tokens": [
//     {"sha256": "<64 hex digits>", "subject": "alice",
//      "subscribe": ["sensors/{sub}/#", "alerts"], "publish": ["app/{sub}/requests"]}
//   ]}
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mqttws/permissions.hpp"

namespace mqttws {

using Sha256 = std::array<unsigned char, 32>;

struct TokenEntry {
    Sha256 sha256{};
    std::string subject;      // may be empty
    Permissions permissions;  // "{sub}" already expanded
};

// The entries, or the reason the text was refused (no token text in it).
std::variant<std::vector<TokenEntry>, std::string> parse_token_table(std::string_view json);

}  // namespace mqttws
