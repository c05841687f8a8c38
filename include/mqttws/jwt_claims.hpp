// The claims of a JWT whose signature has already been verified: time limits,
// audience, issuer, and what the bearer may do. Pure: the caller passes the
// time, and the signature is not looked at here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mqttws/permissions.hpp"

namespace mqttws {

struct JwtPolicy {
    std::optional<std::string> audience;  // --jwt-audience: "aud" must hold it
    std::optional<std::string> issuer;    // --jwt-issuer: "iss" must equal it
    std::chrono::seconds leeway{30};      // --jwt-leeway: clock skew allowed on exp/nbf
};

struct JwtClaims {
    std::string subject;  // "sub"
    // "subscribe" / "publish" arrays, "{sub}" expanded.
    Permissions permissions;
    // "exp" plus the leeway, in seconds since the epoch: the connection is
    // closed then. Unset when the token has no "exp".
    std::optional<std::int64_t> valid_until;
};

// `payload_json` is the token's payload; `now` seconds since the epoch.
std::variant<JwtClaims, std::string> check_jwt_claims(std::string_view payload_json,
                                                      std::int64_t now, const JwtPolicy& policy);

}  // namespace mqttws
