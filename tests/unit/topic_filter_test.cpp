// Topic filter and topic name validation and matching, MQTT 5.0 section 4.7.
#include "mqttws/topic_filter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "printers.hpp"

namespace mqttws {
namespace {

using namespace std::string_literals;

// ---------------------------------------------------------------- validation

TEST(ValidateFilter, AcceptsWellFormedFilters) {
    for (const char* filter : {"#",
                               "+",
                               "a",
                               "a/b",
                               "a/#",
                               "a/+",
                               "+/+",
                               "+/#",
                               "a/+/c",
                               "a/+/#",
                               "/",
                               "//",
                               "/a",
                               "a/",
                               "a//b",
                               "/#",
                               "/+",
                               "+/",
                               "$SYS/#",
                               "$SYS/+/x",
                               "sport/tennis/player1/#",
                               "sport/+/player1",
                               "a b/c d",
                               "caf\xc3\xa9/\xe2\x82\xac",
                               "x/\xf0\x9f\x98\x80/#",
                               "a@b/c",
                               "/x"}) {
        EXPECT_EQ(validate_filter(filter), TopicError::ok) << filter;
    }
}

TEST(ValidateFilter, RefusesEmpty) {
    EXPECT_EQ(validate_filter(""), TopicError::empty);
}

TEST(ValidateFilter, HashMustBeTheWholeLastLevel) {
    for (const char* filter : {"a#", "#a", "a/#/b", "#/a", "a/b#", "a/#b", "##", "a/##", "#/",
                               "a/#/", "sport/tennis#", "+/#/+"}) {
        EXPECT_EQ(validate_filter(filter), TopicError::misplaced_hash) << filter;
    }
}

TEST(ValidateFilter, PlusMustBeAWholeLevel) {
    for (const char* filter : {"a+", "+a", "a/+b", "a/b+", "++", "a/++/c", "sport+", "+a/b"}) {
        EXPECT_EQ(validate_filter(filter), TopicError::misplaced_plus) << filter;
    }
}

TEST(ValidateFilter, RefusesNullCharacter) {
    EXPECT_EQ(validate_filter("a\0b"s), TopicError::null_character);
    EXPECT_EQ(validate_filter("\0"s), TopicError::null_character);
    EXPECT_EQ(validate_filter("a/#\0"s), TopicError::null_character);
    EXPECT_EQ(validate_topic_name("a/\0"s), TopicError::null_character);
}

TEST(ValidateFilter, RefusesInvalidUtf8) {
    for (const std::string& filter :
         {"\xff"s, "a/\xc3"s, "a/\xc0\xaf"s, "\xed\xa0\x80/a"s, "\x80"s, "a/\xf4\x90\x80\x80"s}) {
        EXPECT_EQ(validate_filter(filter), TopicError::invalid_utf8);
        EXPECT_EQ(validate_topic_name(filter), TopicError::invalid_utf8);
    }
}

TEST(ValidateFilter, LengthLimitIs65535Bytes) {
    EXPECT_EQ(validate_filter(std::string(65535, 'a')), TopicError::ok);
    EXPECT_EQ(validate_filter(std::string(65536, 'a')), TopicError::too_long);
    EXPECT_EQ(validate_topic_name(std::string(65535, 'a')), TopicError::ok);
    EXPECT_EQ(validate_topic_name(std::string(65536, 'a')), TopicError::too_long);
    // Length counts bytes, not characters: 21846 three-byte characters = 65538 bytes.
    std::string euros;
    for (int i = 0; i < 21846; ++i) euros += "\xe2\x82\xac";
    EXPECT_EQ(validate_filter(euros), TopicError::too_long);
}

std::string levels(std::size_t count, const std::string& level) {
    std::string out = level;
    for (std::size_t i = 1; i < count; ++i) out += "/" + level;
    return out;
}

TEST(ValidateFilter, LevelLimit) {
    EXPECT_EQ(validate_filter(levels(max_topic_levels, "a")), TopicError::ok);
    EXPECT_EQ(validate_filter(levels(max_topic_levels + 1, "a")), TopicError::too_many_levels);
    EXPECT_EQ(validate_filter(levels(max_topic_levels + 1, "+")), TopicError::too_many_levels);
    // Empty levels count too: 128 slashes are 129 levels.
    EXPECT_EQ(validate_filter(std::string(max_topic_levels - 1, '/')), TopicError::ok);
    EXPECT_EQ(validate_filter(std::string(max_topic_levels, '/')), TopicError::too_many_levels);
    EXPECT_EQ(validate_topic_name(levels(max_topic_levels + 1, "a")), TopicError::too_many_levels);
}

TEST(ValidateTopicName, RefusesWildcards) {
    for (const char* topic : {"#", "+", "a/#", "a/+", "a+", "a#b", "+/x"}) {
        EXPECT_EQ(validate_topic_name(topic), TopicError::wildcard_in_topic) << topic;
    }
}

TEST(ValidateTopicName, AcceptsNames) {
    for (const char* topic : {"a", "/", "a/", "/a", "a//b", "$SYS/broker", "sport/tennis/player1",
                              "with space", "caf\xc3\xa9"}) {
        EXPECT_EQ(validate_topic_name(topic), TopicError::ok) << topic;
    }
    EXPECT_EQ(validate_topic_name(""), TopicError::empty);
}

TEST(Describe, EveryErrorHasItsOwnReason) {
    const TopicError all[] = {TopicError::ok,
                              TopicError::empty,
                              TopicError::too_long,
                              TopicError::too_many_levels,
                              TopicError::null_character,
                              TopicError::invalid_utf8,
                              TopicError::misplaced_hash,
                              TopicError::misplaced_plus,
                              TopicError::wildcard_in_topic};
    for (std::size_t i = 0; i < std::size(all); ++i) {
        EXPECT_FALSE(describe(all[i]).empty());
        for (std::size_t j = i + 1; j < std::size(all); ++j) {
            EXPECT_NE(describe(all[i]), describe(all[j]));
        }
    }
    EXPECT_NE(describe(TopicError::misplaced_hash).find('#'), std::string_view::npos);
    EXPECT_NE(describe(TopicError::misplaced_plus).find('+'), std::string_view::npos);
}

// ---------------------------------------------------------------- matching

struct MatchCase {
    const char* filter;
    const char* topic;
    bool matches;
};

void check(const MatchCase& c) {
    ASSERT_EQ(validate_filter(c.filter), TopicError::ok) << c.filter;
    ASSERT_EQ(validate_topic_name(c.topic), TopicError::ok) << c.topic;
    EXPECT_EQ(topic_matches(c.filter, c.topic), c.matches)
        << "filter '" << c.filter << "' topic '" << c.topic << "'";
}

TEST(TopicMatches, SpecExamplesMultiLevelWildcard) {
    // MQTT 5.0, 4.7.1.2.
    for (const MatchCase& c : {
             MatchCase{"sport/tennis/player1/#", "sport/tennis/player1", true},
             {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
             {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
             {"sport/tennis/player1/#", "sport/tennis/player2", false},
             {"sport/tennis/player1/#", "sport/tennis", false},
             {"sport/#", "sport", true},
             {"sport/#", "sport/", true},
             {"sport/#", "sports", false},
             {"#", "sport", true},
             {"#", "sport/tennis/player1", true},
             {"#", "/", true},
             {"#", "/a", true},
             {"#", "a/", true},
         }) {
        check(c);
    }
}

TEST(TopicMatches, SpecExamplesSingleLevelWildcard) {
    // MQTT 5.0, 4.7.1.3.
    for (const MatchCase& c : {
             MatchCase{"sport/tennis/+", "sport/tennis/player1", true},
             {"sport/tennis/+", "sport/tennis/player2", true},
             {"sport/tennis/+", "sport/tennis/player1/ranking", false},
             {"sport/+", "sport", false},
             {"sport/+", "sport/", true},
             {"+", "sport", true},
             {"+", "/finance", false},
             {"+/+", "/finance", true},
             {"/+", "/finance", true},
             {"+/tennis/#", "sport/tennis/player1", true},
             {"+/tennis/#", "sport/tennis", true},
             {"+/tennis/#", "sport/golf", false},
             {"sport/+/player1", "sport/tennis/player1", true},
             {"sport/+/player1", "sport//player1", true},
             {"sport/+/player1", "sport/player1", false},
         }) {
        check(c);
    }
}

TEST(TopicMatches, EmptyLevels) {
    for (const MatchCase& c : {
             MatchCase{"a/+", "a/", true},
             {"a/+", "a", false},
             {"a/+", "a//", false},
             {"a/+/+", "a//", true},
             {"+/+", "/x", true},
             {"+/+", "x/", true},
             {"+/+", "/", true},
             {"+/+", "x", false},
             {"+", "/", false},
             {"+", "x", true},
             {"/", "/", true},
             {"/", "a", false},
             {"//", "//", true},
             {"//", "/", false},
             {"a//b", "a//b", true},
             {"a//b", "a/b", false},
             {"a/+/b", "a//b", true},
             {"/#", "/", true},
             {"/#", "/a/b", true},
             {"/#", "a", false},
             {"a/#", "a/", true},
             {"a/#", "a//", true},
             {"a/+/#", "a", false},
             {"a/+/#", "a/", true},
             {"+/#", "a", true},
         }) {
        check(c);
    }
}

TEST(TopicMatches, LeadingAndTrailingSlashesAreSignificant) {
    for (const MatchCase& c : {
             MatchCase{"a/b", "/a/b", false},
             {"/a/b", "a/b", false},
             {"/a/b", "/a/b", true},
             {"a/b", "a/b/", false},
             {"a/b/", "a/b", false},
             {"a/b/", "a/b/", true},
             {"a/b/+", "a/b/", true},
             {"+/a/b", "/a/b", true},
         }) {
        check(c);
    }
}

TEST(TopicMatches, MultiLevelWildcardMatchesParent) {
    for (const MatchCase& c : {
             MatchCase{"a/#", "a", true},
             {"a/b/#", "a/b", true},
             {"a/b/#", "a", false},
             {"a/#", "ab", false},
             {"a/#", "b/a", false},
         }) {
        check(c);
    }
}

TEST(TopicMatches, ExactLevelsAreCompared) {
    for (const MatchCase& c : {
             MatchCase{"a/b", "a/b", true},
             {"a/b", "a/bc", false},
             {"a/bc", "a/b", false},
             {"a/b", "a/b/c", false},
             {"a/b/c", "a/b", false},
             {"A/b", "a/b", false},
             {"caf\xc3\xa9", "caf\xc3\xa9", true},
             {"caf\xc3\xa9", "cafe", false},
         }) {
        check(c);
    }
}

TEST(TopicMatches, DollarTopicsAreNotMatchedByLeadingWildcards) {
    // MQTT 5.0, 4.7.2.
    for (const MatchCase& c : {
             MatchCase{"#", "$SYS/broker/uptime", false},
             {"#", "$SYS", false},
             {"+/monitor/Clients", "$SYS/monitor/Clients", false},
             {"+", "$SYS", false},
             {"+/#", "$SYS/x", false},
             {"$SYS/#", "$SYS/monitor/Clients", true},
             {"$SYS/#", "$SYS", true},
             {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
             {"$SYS/+/Clients", "$SYS/monitor/Clients", true},
             {"$SYS", "$SYS", true},
             {"$share/#", "$share/x", true},
             // Only the first level is special.
             {"a/+", "a/$SYS", true},
             {"a/#", "a/$SYS/x", true},
             {"+/$x", "a/$x", true},
             // '$' elsewhere in the first level is ordinary.
             {"#", "a$", true},
             {"+", "x$y", true},
         }) {
        check(c);
    }
}

}  // namespace
}  // namespace mqttws
