// Checks an HTTP `Authorization: Bearer <token>` header against the
// configured token without leaking, through timing, how much of it matched.
#pragma once

#include <string_view>

namespace mqttws {

// True when `authorization` (the header's value, possibly empty) is the
// scheme "Bearer" (any case), whitespace, then exactly `expected`. An empty
// `expected` matches nothing.
bool bearer_token_matches(std::string_view authorization, std::string_view expected);

// Compares in time that depends only on the lengths, not on the contents.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mqttws
