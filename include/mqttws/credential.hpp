// Where a WebSocket client's credential comes from: the Authorization header
// ("Bearer <token>"), the access_token query parameter (browsers cannot set
// headers), or a "bearer.<token>" entry in Sec-WebSocket-Protocol. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqttws {

inline constexpr std::string_view bearer_subprotocol_prefix = "bearer.";
inline constexpr std::string_view access_token_parameter = "access_token";

// "Bearer <token>" (scheme case-insensitive); nullopt for anything else.
std::optional<std::string> bearer_from_authorization(std::string_view header);
// The percent-decoded access_token query parameter of a request target.
std::optional<std::string> access_token_from_target(std::string_view resource);
// The first "bearer.<token>" entry of the requested subprotocols.
std::optional<std::string> bearer_from_subprotocols(const std::vector<std::string>& requested);
bool is_bearer_subprotocol(std::string_view subprotocol);

// The credential, looked for in that order: header, query, subprotocol.
std::optional<std::string> find_credential(std::string_view authorization_header,
                                           std::string_view resource,
                                           const std::vector<std::string>& requested_subprotocols);

// Browsers send Origin; other clients usually do not. An empty allow-list
// allows every origin; otherwise a request with an Origin must name one of
// them (compared case-insensitively, scheme://host[:port]). A request
// without Origin is not a browser's and is allowed.
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace mqttws
