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
    // closed then. Unset when the token has no "exp". At most
    // jwt_latest_time: a later "exp" counts as that.
    std::optional<std::int64_t> valid_until;
};

// A NumericDate may be any JSON number (1e300 too). "exp" and "nbf" beyond
// these count as these, so a date in any year compares as it should and
// adding the leeway cannot overflow.
inline constexpr std::int64_t jwt_latest_time = 1'000'000'000'000'000;  // ~31.7 million years
inline constexpr std::int64_t jwt_earliest_time = -jwt_latest_time;

// `payload_json` is the token's payload; `now` seconds since the epoch.
std::variant<JwtClaims, std::string> check_jwt_claims(std::string_view payload_json,
                                                      std::int64_t now, const JwtPolicy& policy);

// Seconds since the epoch as a system_clock time, saturated at the ends of
// the clock: its nanoseconds reach 2262 only, and an "exp" beyond that would
// wrap round into the past (a token closed at once as expired).
std::chrono::system_clock::time_point system_time_from_seconds(std::int64_t seconds);

}  // namespace mqttws
