// The claims of a verified JWT: time limits with leeway, audience, issuer,
// subject and permissions.
#include "mqttws/jwt_claims.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace mqttws {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::string refused(const std::string& payload, const JwtPolicy& policy = {}) {
    const auto result = check_jwt_claims(payload, kNow, policy);
    EXPECT_TRUE(std::holds_alternative<std::string>(result)) << payload;
    return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

JwtClaims accepted(const std::string& payload, const JwtPolicy& policy = {}) {
    auto result = check_jwt_claims(payload, kNow, policy);
    EXPECT_TRUE(std::holds_alternative<JwtClaims>(result))
        << payload << ": " << std::get<std::string>(result);
    return std::holds_alternative<JwtClaims>(result) ? std::get<JwtClaims>(result) : JwtClaims{};
}

TEST(JwtClaims, SubjectAndPermissions) {
    const JwtClaims claims = accepted(
        R"({"sub":"alice","subscribe":["sensors/{sub}/#"],"publish":["app/{sub}"],"exp":1800000100})");
    EXPECT_EQ(claims.subject, "alice");
    EXPECT_EQ(claims.permissions.subscribe, std::vector<std::string>{"sensors/alice/#"});
    EXPECT_EQ(claims.permissions.publish, std::vector<std::string>{"app/alice"});
    EXPECT_EQ(claims.valid_until, 1800000100 + 30);
}

TEST(JwtClaims, ExpiryAndNotBeforeWithLeeway) {
    JwtPolicy strict;
    strict.leeway = std::chrono::seconds(0);
    EXPECT_EQ(refused(R"({"exp":1799999999})", strict), "expired");
    accepted(R"({"exp":1800000000})", strict);
    accepted(R"({"exp":1799999990})");  // within the default 30 s
    EXPECT_EQ(refused(R"({"exp":1799999960})"), "expired");
    EXPECT_EQ(refused(R"({"nbf":1800000001})", strict), "not yet valid");
    accepted(R"({"nbf":1800000020})");
    EXPECT_FALSE(refused(R"({"exp":"soon"})").empty());
    EXPECT_FALSE(accepted("{}").valid_until.has_value());
}

// A NumericDate may be any JSON number. One beyond every clock saturates: far in the future it
// is later than any "now", far in the past earlier; the leeway added to it cannot overflow.
TEST(JwtClaims, TimesBeyondAnyClockSaturate) {
    for (const std::string exp : {"20000000000", "9223372036854775807", "18446744073709551615",
                                  "1e300", "1.7976931348623157e308"}) {
        const JwtClaims claims = accepted(R"({"exp":)" + exp + "}");
        ASSERT_TRUE(claims.valid_until.has_value()) << exp;
        EXPECT_GE(*claims.valid_until, 20000000000) << exp;
    }
    for (const std::string exp : {"-1", "-20000000000", "-9223372036854775808", "-1e300"}) {
        EXPECT_EQ(refused(R"({"exp":)" + exp + "}"), "expired") << exp;
    }
    for (const std::string nbf : {"20000000000", "9223372036854775807", "1e300"}) {
        EXPECT_EQ(refused(R"({"nbf":)" + nbf + "}"), "not yet valid") << nbf;
    }
    for (const std::string nbf : {"-1", "-9223372036854775808", "-1e300"}) {
        accepted(R"({"nbf":)" + nbf + "}");
    }
    JwtPolicy lenient;
    lenient.leeway = std::chrono::seconds(std::numeric_limits<std::int64_t>::max());
    const JwtClaims claims = accepted(R"({"exp":9223372036854775807})", lenient);
    ASSERT_TRUE(claims.valid_until.has_value());
    EXPECT_GE(*claims.valid_until, 20000000000);
    EXPECT_EQ(refused(R"({"exp":"soon"})"), "exp/nbf must be numbers");
    EXPECT_EQ(refused(R"({"nbf":null})"), "exp/nbf must be numbers");
}

TEST(JwtClaims, SystemTimeSaturatesAtTheClockEnds) {
    using TimePoint = std::chrono::system_clock::time_point;
    EXPECT_EQ(system_time_from_seconds(0), TimePoint());
    EXPECT_EQ(system_time_from_seconds(kNow), TimePoint(std::chrono::seconds(kNow)));
    // The last whole seconds the clock holds, either side of the epoch, are exact.
    EXPECT_EQ(system_time_from_seconds(9'223'372'036),
              TimePoint(std::chrono::seconds(9'223'372'036)));
    EXPECT_EQ(system_time_from_seconds(-9'223'372'036),
              TimePoint(std::chrono::seconds(-9'223'372'036)));
    for (const std::int64_t later : {std::int64_t{9'223'372'037}, std::int64_t{20'000'000'000},
                                     jwt_latest_time, std::numeric_limits<std::int64_t>::max()}) {
        EXPECT_EQ(system_time_from_seconds(later), TimePoint::max()) << later;
    }
    for (const std::int64_t earlier : {std::int64_t{-9'223'372'037}, jwt_earliest_time,
                                       std::numeric_limits<std::int64_t>::min()}) {
        EXPECT_EQ(system_time_from_seconds(earlier), TimePoint::min()) << earlier;
    }
}

TEST(JwtClaims, AudienceAndIssuer) {
    JwtPolicy policy;
    policy.audience = "bridge";
    policy.issuer = "https://issuer";
    accepted(R"({"aud":"bridge","iss":"https://issuer"})", policy);
    accepted(R"({"aud":["other","bridge"],"iss":"https://issuer"})", policy);
    EXPECT_EQ(refused(R"({"aud":"other","iss":"https://issuer"})", policy), "wrong audience");
    EXPECT_EQ(refused(R"({"iss":"https://issuer"})", policy), "wrong audience");
    EXPECT_EQ(refused(R"({"aud":"bridge","iss":"https://evil"})", policy), "wrong issuer");
}

TEST(JwtClaims, SubjectThatWouldWidenIsRefused) {
    EXPECT_FALSE(refused(R"({"sub":"+","subscribe":["sensors/{sub}/#"]})").empty());
    EXPECT_FALSE(refused(R"({"sub":"a/b","publish":["x/{sub}"]})").empty());
    EXPECT_FALSE(refused(R"({"sub":"a\u0000b","publish":["x/{sub}"]})").empty());
    EXPECT_FALSE(refused(R"({"sub":7})").empty());
    EXPECT_FALSE(refused(R"({"subscribe":"a/#"})").empty());
    EXPECT_FALSE(refused("not json").empty());
}

}  // namespace
}  // namespace mqttws
