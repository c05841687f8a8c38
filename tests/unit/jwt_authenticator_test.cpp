// JwtAuthenticator with an HS256 secret: a token's exp/nbf at the edges of what a JSON number
// and the system clock can hold. The expiry is saturated where the clock ends (2262), never
// wrapped round into the past.
#include "auth/jwt_authenticator.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "harness/jwt_minter.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

namespace mqttws::auth {
namespace {

using mwb::it::JwtMinter;
using TimePoint = std::chrono::system_clock::time_point;

const std::string kSecret = "jwt-authenticator-test-secret-0123456789";

class JwtAuthenticatorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        mwb::it::TextFile::write(dir_.file("secret"), kSecret);
        auto loaded = JwtAuthenticator::load({dir_.file("secret").string(), ""}, JwtPolicy{});
        ASSERT_TRUE(std::holds_alternative<std::unique_ptr<JwtAuthenticator>>(loaded))
            << std::get<std::string>(loaded);
        authenticator_ = std::move(std::get<std::unique_ptr<JwtAuthenticator>>(loaded));
    }

    std::optional<Identity> authenticate(const std::string& claims, std::string& reason) const {
        return authenticator_->authenticate(JwtMinter::mint("HS256", kSecret, claims), reason);
    }

    mwb::it::TempDir dir_{"mwb-jwt-unit"};
    std::unique_ptr<JwtAuthenticator> authenticator_;
};

TEST_F(JwtAuthenticatorTest, AnExpiryPastTheClockRangeLastsAsLongAsTheClock) {
    for (const std::string exp : {"20000000000", "9223372036854775807", "1e300"}) {
        std::string reason;
        const auto identity = authenticate(R"({"sub":"alice","exp":)" + exp + "}", reason);
        ASSERT_TRUE(identity) << exp << ": " << reason;
        ASSERT_TRUE(identity->valid_until) << exp;
        EXPECT_EQ(*identity->valid_until, TimePoint::max()) << exp;
    }
}

TEST_F(JwtAuthenticatorTest, AnExpiryWithinTheClockRangeIsExact) {
    std::string reason;
    const auto identity = authenticate(R"({"exp":9000000000})", reason);
    ASSERT_TRUE(identity) << reason;
    ASSERT_TRUE(identity->valid_until);
    EXPECT_EQ(*identity->valid_until, TimePoint(std::chrono::seconds(9000000000 + 30)));
}

TEST_F(JwtAuthenticatorTest, TimesFarInThePastAndFutureAreRefusedOrAcceptedAsSuch) {
    for (const std::string claims :
         {R"({"exp":-1})", R"({"exp":-9223372036854775807})", R"({"exp":-1e300})"}) {
        std::string reason;
        EXPECT_FALSE(authenticate(claims, reason)) << claims;
        EXPECT_EQ(reason, "expired") << claims;
    }
    for (const std::string claims :
         {R"({"nbf":20000000000})", R"({"nbf":9223372036854775807})", R"({"nbf":1e300})"}) {
        std::string reason;
        EXPECT_FALSE(authenticate(claims, reason)) << claims;
        EXPECT_EQ(reason, "not yet valid") << claims;
    }
    for (const std::string claims : {R"({"nbf":-1})", R"({"nbf":-1e300})"}) {
        std::string reason;
        const auto identity = authenticate(claims, reason);
        ASSERT_TRUE(identity) << claims << ": " << reason;
        EXPECT_FALSE(identity->valid_until) << claims;
    }
}

}  // namespace
}  // namespace mqttws::auth
