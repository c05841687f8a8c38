// The two credential documents an attacker or an operator can get wrong: a
// --token-file and a JWT's (signature-checked) payload. Either is refused with
// a reason, or every permission it grants is a valid filter with every "{sub}"
// replaced: a crafted subject can never widen what a client may reach. A JWT
// accepted now is not expired as a system_clock time either, whatever its
// "exp" (1e300, int64's ends): the conversion saturates, never wraps.
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_check.hpp"
#include "mqttws/jwt_claims.hpp"
#include "mqttws/permissions.hpp"
#include "mqttws/token_table.hpp"
#include "mqttws/topic_filter.hpp"

namespace {

void check_granted(const mqttws::Permissions& permissions, std::string_view subject) {
    // A subject may itself spell "{sub}"; then the text legitimately stays.
    const bool placeholder_may_remain =
        subject.find(mqttws::subject_placeholder) != std::string_view::npos;
    for (const auto* filters : {&permissions.subscribe, &permissions.publish}) {
        for (const auto& filter : *filters) {
            FUZZ_CHECK(mqttws::validate_filter(filter) == mqttws::TopicError::ok);
            FUZZ_CHECK(placeholder_may_remain ||
                       filter.find(mqttws::subject_placeholder) == std::string::npos);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);

    const auto table = mqttws::parse_token_table(json);
    if (const auto* reason = std::get_if<std::string>(&table)) {
        FUZZ_CHECK(!reason->empty());
    } else {
        for (const auto& entry : std::get<std::vector<mqttws::TokenEntry>>(table)) {
            check_granted(entry.permissions, entry.subject);
        }
    }

    constexpr std::int64_t now = 1'700'000'000;
    mqttws::JwtPolicy policy;
    policy.audience = "bridge";
    const auto claims = mqttws::check_jwt_claims(json, now, policy);
    if (const auto* reason = std::get_if<std::string>(&claims)) {
        FUZZ_CHECK(!reason->empty());
    } else {
        const auto& granted = std::get<mqttws::JwtClaims>(claims);
        check_granted(granted.permissions, granted.subject);
        if (granted.valid_until) {
            FUZZ_CHECK(*granted.valid_until >= now);
            FUZZ_CHECK(*granted.valid_until <= mqttws::jwt_latest_time);
            FUZZ_CHECK(mqttws::system_time_from_seconds(*granted.valid_until) >=
                       mqttws::system_time_from_seconds(now));
        }
    }
    return 0;
}
