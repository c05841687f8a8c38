#include "mqttws/jwt_claims.hpp"

#include "permission_members.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace mqttws {

namespace {

// "exp"/"nbf": a NumericDate, clamped to [jwt_earliest_time, jwt_latest_time]
// before the conversion (a double beyond int64 converts with undefined
// behaviour). Absent: nullopt; present and not a number: false.
bool read_time(const rapidjson::Value& doc, const char* name, std::optional<std::int64_t>& out) {
    const auto member = doc.FindMember(name);
    if (member == doc.MemberEnd()) return true;
    if (!member->value.IsNumber()) return false;
    const double value = member->value.GetDouble();
    if (value >= static_cast<double>(jwt_latest_time)) {
        out = jwt_latest_time;
    } else if (value <= static_cast<double>(jwt_earliest_time)) {
        out = jwt_earliest_time;
    } else {
        out = static_cast<std::int64_t>(value);
    }
    return true;
}

// `time` moved by `leeway` (either sign), never past the int64 range: with
// --jwt-leeway as large as it may be, the sum must still compare right.
std::int64_t shifted(std::int64_t time, std::int64_t leeway) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(time, leeway, &sum)) {
        return leeway > 0 ? std::numeric_limits<std::int64_t>::max()
                          : std::numeric_limits<std::int64_t>::min();
    }
    return sum;
}

bool audience_matches(const rapidjson::Value& aud, const std::string& wanted) {
    if (aud.IsString()) return wanted == std::string_view(aud.GetString(), aud.GetStringLength());
    if (!aud.IsArray()) return false;
    for (const auto& item : aud.GetArray()) {
        if (item.IsString() &&
            wanted == std::string_view(item.GetString(), item.GetStringLength())) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::variant<JwtClaims, std::string> check_jwt_claims(std::string_view payload_json,
                                                      std::int64_t now, const JwtPolicy& policy) {
    rapidjson::Document doc;
    doc.Parse(payload_json.data(), payload_json.size());
    if (doc.HasParseError() || !doc.IsObject()) return std::string("payload is not a JSON object");
    const std::int64_t leeway = policy.leeway.count();

    std::optional<std::int64_t> expires;
    std::optional<std::int64_t> not_before;
    if (!read_time(doc, "exp", expires) || !read_time(doc, "nbf", not_before)) {
        return std::string("exp/nbf must be numbers");
    }
    if (expires && now > shifted(*expires, leeway)) return std::string("expired");
    if (not_before && shifted(now, leeway) < *not_before) return std::string("not yet valid");

    if (policy.audience) {
        const auto aud = doc.FindMember("aud");
        if (aud == doc.MemberEnd() || !audience_matches(aud->value, *policy.audience)) {
            return std::string("wrong audience");
        }
    }
    if (policy.issuer) {
        const auto iss = doc.FindMember("iss");
        if (iss == doc.MemberEnd() || !iss->value.IsString() ||
            *policy.issuer !=
                std::string_view(iss->value.GetString(), iss->value.GetStringLength())) {
            return std::string("wrong issuer");
        }
    }

    JwtClaims claims;
    if (const auto sub = doc.FindMember("sub"); sub != doc.MemberEnd()) {
        if (!sub->value.IsString()) return std::string("sub must be a string");
        claims.subject.assign(sub->value.GetString(), sub->value.GetStringLength());
    }
    Permissions templates;
    if (!read_permission_members(doc, templates)) {
        return std::string("subscribe/publish must be arrays of strings");
    }
    auto expanded = expand_permissions(templates, claims.subject);
    if (auto* reason = std::get_if<std::string>(&expanded)) return *reason;
    claims.permissions = std::get<Permissions>(std::move(expanded));
    if (expires) claims.valid_until = std::min(shifted(*expires, leeway), jwt_latest_time);
    return claims;
}

std::chrono::system_clock::time_point system_time_from_seconds(std::int64_t seconds) {
    using Clock = std::chrono::system_clock;
    // Truncated toward zero: both are whole seconds the clock still holds.
    constexpr std::int64_t latest = std::chrono::duration_cast<std::chrono::seconds>(
                                        Clock::time_point::max().time_since_epoch())
                                        .count();
    constexpr std::int64_t earliest = std::chrono::duration_cast<std::chrono::seconds>(
                                          Clock::time_point::min().time_since_epoch())
                                          .count();
    if (seconds > latest) return Clock::time_point::max();
    if (seconds < earliest) return Clock::time_point::min();
    return Clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace mqttws
