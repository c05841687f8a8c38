// The /metrics admin token check: scheme, whitespace, exact match only.
#include "mqttws/bearer_token.hpp"

#include <gtest/gtest.h>

namespace mqttws {
namespace {

TEST(BearerToken, ExactTokenMatches) {
    EXPECT_TRUE(bearer_token_matches("Bearer s3cret-token", "s3cret-token"));
}

TEST(BearerToken, SchemeIsCaseInsensitiveAndSpacesAreSkipped) {
    EXPECT_TRUE(bearer_token_matches("bearer s3cret", "s3cret"));
    EXPECT_TRUE(bearer_token_matches("BEARER   s3cret  ", "s3cret"));
    EXPECT_TRUE(bearer_token_matches("Bearer\ts3cret", "s3cret"));
}

TEST(BearerToken, AnythingElseIsRefused) {
    EXPECT_FALSE(bearer_token_matches("", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearer", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearer ", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearers3cret", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Basic s3cret", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearer s3cre", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearer s3crett", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearer S3CRET", "s3cret"));
    EXPECT_FALSE(bearer_token_matches("Bearer s3 cret", "s3cret"));
}

TEST(BearerToken, EmptyExpectedTokenMatchesNothing) {
    EXPECT_FALSE(bearer_token_matches("Bearer ", ""));
    EXPECT_FALSE(bearer_token_matches("Bearer x", ""));
}

TEST(BearerToken, ConstantTimeEqualComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("ab", "abc"));
    EXPECT_FALSE(constant_time_equal("abcd", "abc"));
    EXPECT_FALSE(constant_time_equal(std::string_view("a\0c", 3), "abc"));
}

}  // namespace
}  // namespace mqttws
