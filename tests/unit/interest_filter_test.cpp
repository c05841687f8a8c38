// InterestFilter: a shard is never skipped for a topic one of its filters
// matches (checked over every filter of 1..4 levels from {a, b, "", +, #,
// $x} against every topic of 1..5 levels), and a filter removed again stops
// counting.
#include "mqttws/interest_filter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "filter_corpus.hpp"
#include "mqttws/topic_filter.hpp"
#include "mqttws/topic_levels.hpp"

namespace mqttws {
namespace {

std::vector<std::string> level_strings(const std::vector<std::string>& first,
                                       const std::vector<std::string>& rest, std::size_t depth) {
    return corpus::all_level_strings(first, rest, depth);
}

bool may_match(const InterestFilter& filter, const std::string& topic) {
    return filter.may_match(TopicLevels(topic));
}

TEST(TopicLevels, SplitsOnEverySlash) {
    const TopicLevels levels("a//b/");
    ASSERT_EQ(levels.size(), 4u);
    EXPECT_EQ(levels[0], "a");
    EXPECT_EQ(levels[1], "");
    EXPECT_EQ(levels[2], "b");
    EXPECT_EQ(levels[3], "");
    EXPECT_FALSE(levels.dollar());
    EXPECT_TRUE(TopicLevels("$SYS/x").dollar());
    EXPECT_EQ(TopicLevels("single").size(), 1u);
}

TEST(InterestFilter, EmptyWantsNothing) {
    const InterestFilter filter;
    EXPECT_FALSE(may_match(filter, "a"));
    EXPECT_FALSE(may_match(filter, "a/b/c"));
    EXPECT_FALSE(may_match(filter, "$SYS/x"));
}

TEST(InterestFilter, NeverMissesATopicAFilterMatches) {
    const auto filters = level_strings({"a", "b", "", "+", "#", "$x"}, {"a", "b", "", "+", "#"}, 4);
    const auto topics = level_strings({"a", "b", "", "$x"}, {"a", "b", ""}, 5);
    for (const auto& f : filters) {
        if (validate_filter(f) != TopicError::ok) continue;
        InterestFilter filter;
        filter.add(f);
        for (const auto& t : topics) {
            if (validate_topic_name(t) != TopicError::ok) continue;
            if (topic_matches(f, t)) {
                ASSERT_TRUE(may_match(filter, t)) << "filter '" << f << "' topic '" << t << "'";
            }
        }
    }
}

TEST(InterestFilter, SkipsUnrelatedTopics) {
    InterestFilter filter;
    filter.add("sensors/kitchen/#");
    filter.add("alerts/+");
    EXPECT_TRUE(may_match(filter, "sensors/kitchen/temp"));
    EXPECT_TRUE(may_match(filter, "sensors/kitchen"));
    EXPECT_TRUE(may_match(filter, "alerts/fire"));
    // Different first levels hash apart (1024 buckets; these do not collide).
    EXPECT_FALSE(may_match(filter, "weather/today"));
    EXPECT_FALSE(may_match(filter, "sensors/garage/temp"));
}

TEST(InterestFilter, LeadingWildcardsWantEverythingButDollarTopics) {
    InterestFilter filter;
    filter.add("+/status");
    EXPECT_TRUE(may_match(filter, "anything/else"));
    EXPECT_FALSE(may_match(filter, "$SYS/broker/uptime"));
    filter.add("$SYS/#");
    EXPECT_TRUE(may_match(filter, "$SYS/broker/uptime"));
}

TEST(InterestFilter, CountsEachAddAndRemove) {
    InterestFilter filter;
    filter.add("a/b");
    filter.add("a/b");  // two clients, same filter
    filter.remove("a/b");
    EXPECT_TRUE(may_match(filter, "a/b"));
    filter.remove("a/b");
    EXPECT_FALSE(may_match(filter, "a/b"));
    filter.add("#");
    filter.remove("#");
    EXPECT_FALSE(may_match(filter, "x"));
}

}  // namespace
}  // namespace mqttws
