// --history values: a count for every topic, or FILTER=N, and what is refused.
#include "mqttws/history_spec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace mqttws {
namespace {

HistorySpec parsed(const std::string& text) {
    const auto spec = parse_history_spec(text);
    EXPECT_TRUE(std::holds_alternative<HistorySpec>(spec)) << text;
    return std::holds_alternative<HistorySpec>(spec) ? std::get<HistorySpec>(spec) : HistorySpec{};
}

std::string refusal(const std::string& text) {
    const auto spec = parse_history_spec(text);
    return std::holds_alternative<std::string>(spec) ? std::get<std::string>(spec) : "";
}

TEST(HistorySpecTest, ACountAloneIsTheDefaultForEveryTopic) {
    const HistorySpec spec = parsed("100");
    EXPECT_FALSE(spec.filter);
    EXPECT_EQ(spec.messages, 100u);
    EXPECT_EQ(parsed("0").messages, 0u);
}

TEST(HistorySpecTest, AFilterTakesTheCountAfterTheLastEqualsSign) {
    const HistorySpec spec = parsed("sensors/#=50");
    EXPECT_EQ(spec.filter, "sensors/#");
    EXPECT_EQ(spec.messages, 50u);
    EXPECT_EQ(parsed("a=b/+=3").filter, "a=b/+");
}

TEST(HistorySpecTest, BadCountsAndFiltersAreRefusedWithAReason) {
    EXPECT_NE(refusal(""), "");
    EXPECT_NE(refusal("-1"), "");
    EXPECT_NE(refusal("ten"), "");
    EXPECT_NE(refusal("sensors/#="), "");
    EXPECT_NE(refusal("sensors/#=5x"), "");
    EXPECT_NE(refusal("1000001"), "");
    EXPECT_NE(refusal("a/#/b=5").find("a/#/b"), std::string::npos);
    EXPECT_NE(refusal("=5"), "");
}

TEST(HistorySpecTest, ValuesApplyInOrderAndTheLastCountAloneWins) {
    HistoryLimits limits;
    apply_history_specs({"10", "a/#=5", "b/+=0", "20"}, limits);
    EXPECT_EQ(limits.messages, 20u);
    ASSERT_EQ(limits.filters.size(), 2u);
    EXPECT_EQ(limits.filters[0].filter, "a/#");
    EXPECT_EQ(limits.filters[1].messages, 0u);
}

}  // namespace
}  // namespace mqttws
