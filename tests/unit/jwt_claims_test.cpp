// The claims of a verified JWT: time limits with leeway, audience, issuer,
// subject and permissions.
#include "mqttws/jwt_claims.hpp"

#include <gtest/gtest.h>

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
    EXPECT_FALSE(refused(R"({"exp":1e300})").empty());
    EXPECT_FALSE(accepted("{}").valid_until.has_value());
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
