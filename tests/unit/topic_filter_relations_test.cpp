// filter_covers and filters_overlap, checked against topic_matches by brute
// force over a tiny alphabet, plus hand-written cases.
#include <gtest/gtest.h>

#include <bitset>
#include <string>
#include <vector>

#include "filter_corpus.hpp"
#include "mqttws/topic_filter.hpp"
#include "printers.hpp"

namespace mqttws {
namespace {

// ------------------------------------------------------------ hand-written cases

TEST(FilterCovers, HashCoversEverythingNotStartingWithDollar) {
    for (const char* specific :
         {"a", "a/b", "+", "+/#", "#", "/", "a/+/#", "+/+/+", "/a/", "a/#"}) {
        EXPECT_TRUE(filter_covers("#", specific)) << specific;
    }
    for (const char* specific : {"$SYS", "$SYS/#", "$SYS/+", "$x/a/b", "$"}) {
        EXPECT_FALSE(filter_covers("#", specific)) << specific;
    }
}

TEST(FilterCovers, HashBelowALevelCoversTheParentAndDeeper) {
    for (const char* specific : {"a", "a/b", "a/b/+", "a/+", "a/+/#", "a/#", "a//", "a/"}) {
        EXPECT_TRUE(filter_covers("a/#", specific)) << specific;
    }
    for (const char* specific : {"b", "+", "+/b", "#", "ab", "/a", "b/a"}) {
        EXPECT_FALSE(filter_covers("a/#", specific)) << specific;
    }
}

TEST(FilterCovers, PlusDoesNotCoverHash) {
    EXPECT_FALSE(filter_covers("a/+", "a/#"));
    EXPECT_FALSE(filter_covers("a/+", "a"));  // a/# matches a; a/+ does not
    EXPECT_FALSE(filter_covers("a/+", "a/b/c"));
    EXPECT_FALSE(filter_covers("+", "#"));
    EXPECT_TRUE(filter_covers("a/+", "a/b"));
    EXPECT_TRUE(filter_covers("a/+", "a/+"));
    EXPECT_TRUE(filter_covers("a/+", "a/"));
    EXPECT_TRUE(filter_covers("+/+", "a/+"));
}

TEST(FilterCovers, LeadingWildcardsDoNotCoverDollarFilters) {
    EXPECT_FALSE(filter_covers("+/#", "$SYS/#"));
    EXPECT_FALSE(filter_covers("+/#", "$SYS/a"));
    EXPECT_FALSE(filter_covers("+", "$SYS"));
    EXPECT_FALSE(filter_covers("+/+", "$SYS/+"));
    EXPECT_TRUE(filter_covers("$SYS/#", "$SYS/a/b"));
    EXPECT_TRUE(filter_covers("$SYS/#", "$SYS"));
    EXPECT_TRUE(filter_covers("$SYS/+", "$SYS/a"));
    EXPECT_FALSE(filter_covers("$SYS/#", "$OTHER/a"));
}

TEST(FilterCovers, LiteralsAndLengths) {
    EXPECT_TRUE(filter_covers("a/b", "a/b"));
    EXPECT_FALSE(filter_covers("a/b", "a/+"));
    EXPECT_FALSE(filter_covers("a/b", "a/b/c"));
    EXPECT_FALSE(filter_covers("a/b/c", "a/b"));
    EXPECT_FALSE(filter_covers("a/b", "a/#"));
    EXPECT_FALSE(filter_covers("a//b", "a/b"));
    EXPECT_TRUE(filter_covers("+/+/#", "a/b"));
    EXPECT_FALSE(filter_covers("+/+/#", "a"));
    EXPECT_TRUE(filter_covers("+/#", "a"));
}

TEST(FilterCovers, NoParentTopicAtTheRoot) {
    // "#" and "+/#" match the same topics: every topic has a first level,
    // and the empty string is no topic.
    EXPECT_TRUE(filter_covers("+/#", "#"));
    EXPECT_TRUE(filter_covers("#", "+/#"));
    // Likewise "/#" (its parent would be the empty string) and "/+/#".
    EXPECT_TRUE(filter_covers("/+/#", "/#"));
    EXPECT_TRUE(filter_covers("+/+/#", "/#"));
    // Below a real topic the parent exists: a/+/# misses "a" itself.
    EXPECT_FALSE(filter_covers("a/+/#", "a/#"));
    EXPECT_FALSE(filter_covers("//+/#", "//#"));
    EXPECT_FALSE(filter_covers("+/+/#", "+/#"));
    EXPECT_FALSE(filter_covers("$x/+/#", "$x/#"));
}

TEST(FiltersOverlap, HandWrittenCases) {
    EXPECT_TRUE(filters_overlap("a/+/c", "a/b/+"));
    EXPECT_TRUE(filters_overlap("a/#", "a"));
    EXPECT_TRUE(filters_overlap("a", "a/#"));
    EXPECT_TRUE(filters_overlap("+/+", "a/#"));
    EXPECT_TRUE(filters_overlap("#", "+"));
    EXPECT_TRUE(filters_overlap("$SYS/#", "$SYS/+"));
    EXPECT_FALSE(filters_overlap("a/+", "a/+/c"));
    EXPECT_FALSE(filters_overlap("a/+", "a"));
    EXPECT_FALSE(filters_overlap("+/+", "a"));
    EXPECT_FALSE(filters_overlap("a/b", "a/c"));
    EXPECT_FALSE(filters_overlap("#", "$SYS/#"));
    EXPECT_FALSE(filters_overlap("$SYS/#", "+/x"));
    EXPECT_FALSE(filters_overlap("$SYS/#", "$OTHER/#"));
    // "/#" matches no one-level topic: its parent would be the empty string.
    EXPECT_FALSE(filters_overlap("+", "/#"));
    EXPECT_FALSE(filters_overlap("/#", "+"));
    EXPECT_TRUE(filters_overlap("+", "a/#"));
    EXPECT_TRUE(filters_overlap("+/+", "/#"));
    EXPECT_TRUE(filters_overlap("/+", "//#"));  // both match "/"
}

// ------------------------------------------------------------ brute force
//
// Filters: every valid filter of 1..4 levels taken from {a, b, "", +, #},
// and "$x" allowed as the first level. Topics: every valid topic of 1..5
// levels from {a, b, ""}, with "$x" allowed as the first level.
//
// Why this enumeration decides the relations exactly (not just one way):
// suppose some topic T, of any depth and any level values, is matched by one
// filter and not the other (or by both). Cut T to 5 levels: a filter of at
// most 4 levels that matches T past level 5 ends in '#' and still matches;
// one that fails on T fails on a level <= 4 or on its length, and still
// fails. Then replace each level value outside the alphabet: a filter with a
// literal there must equal T's level for it to match, so only wildcard
// positions (in both filters) can hold such a value, and any of the three
// values differing from the other filter's literal keeps every match and
// mismatch; at a one-level topic, "a" or "b" keeps it non-empty. A leading
// '$' value is only matched by the "$x" literal. The empty string is not a
// topic name (MQTT 4.7.3), so it is rightly left out: "/#" matches "/x" but
// no "parent" topic, making it equal to "/+/#".
// So: covers(a,b) <=> matched(b) is a subset of matched(a) over the
// enumeration, and overlaps(a,b) <=> the two sets intersect.

constexpr std::size_t max_topics = 512;
using TopicSet = std::bitset<max_topics>;

using corpus::all_level_strings;

struct Universe {
    std::vector<std::string> filters;
    std::vector<std::string> topics;
    std::vector<TopicSet> matched;  // per filter

    Universe() {
        for (auto& f :
             all_level_strings({"a", "b", "", "+", "#", "$x"}, {"a", "b", "", "+", "#"}, 4)) {
            if (!f.empty()) filters.push_back(std::move(f));
        }
        for (auto& t : all_level_strings({"a", "b", "", "$x"}, {"a", "b", ""}, 5)) {
            if (!t.empty()) topics.push_back(std::move(t));
        }
        for (const auto& f : filters) {
            TopicSet set;
            for (std::size_t i = 0; i < topics.size(); ++i) set[i] = topic_matches(f, topics[i]);
            matched.push_back(set);
        }
    }

    // A topic in `yes` and not in `no`, for failure messages.
    std::string witness(const TopicSet& yes, const TopicSet& no) const {
        const TopicSet diff = yes & ~no;
        for (std::size_t i = 0; i < topics.size(); ++i) {
            if (diff[i]) return "'" + topics[i] + "'";
        }
        return "(none)";
    }
};

const Universe& universe() {
    static const Universe u;
    return u;
}

TEST(FilterRelationsBruteForce, EnumerationIsWhatItClaims) {
    const Universe& u = universe();
    ASSERT_LE(u.topics.size(), max_topics);
    EXPECT_EQ(u.topics.size(), 3u + 12 + 36 + 108 + 324);
    EXPECT_EQ(u.filters.size(), 5u + 25 + 100 + 400);
    for (const auto& f : u.filters) {
        ASSERT_EQ(validate_filter(f), TopicError::ok) << "'" << f << "'";
    }
    for (const auto& t : u.topics) {
        ASSERT_EQ(validate_topic_name(t), TopicError::ok) << "'" << t << "'";
    }
    // Every filter matches some topic: no filter is vacuous.
    for (std::size_t i = 0; i < u.filters.size(); ++i) {
        EXPECT_TRUE(u.matched[i].any()) << "'" << u.filters[i] << "'";
    }
}

TEST(FilterRelationsBruteForce, CoversIsSubsetOfMatchedTopics) {
    const Universe& u = universe();
    int failures = 0;
    for (std::size_t i = 0; i < u.filters.size() && failures < 20; ++i) {
        for (std::size_t j = 0; j < u.filters.size() && failures < 20; ++j) {
            const auto& general = u.filters[i];
            const auto& specific = u.filters[j];
            const bool covers = filter_covers(general, specific);
            const bool subset = (u.matched[j] & ~u.matched[i]).none();
            if (covers && !subset) {
                ++failures;
                ADD_FAILURE() << "filter_covers('" << general << "', '" << specific << "') but "
                              << u.witness(u.matched[j], u.matched[i])
                              << " is matched by the second only";
            } else if (!covers && subset) {
                ++failures;
                ADD_FAILURE() << "!filter_covers('" << general << "', '" << specific
                              << "') but every topic the second matches, the first does";
            }
        }
    }
}

TEST(FilterRelationsBruteForce, OverlapIsSharedMatchedTopics) {
    const Universe& u = universe();
    int failures = 0;
    for (std::size_t i = 0; i < u.filters.size() && failures < 20; ++i) {
        for (std::size_t j = 0; j < u.filters.size() && failures < 20; ++j) {
            const auto& a = u.filters[i];
            const auto& b = u.filters[j];
            const bool overlap = filters_overlap(a, b);
            const TopicSet both = u.matched[i] & u.matched[j];
            if (overlap != both.any()) {
                ++failures;
                ADD_FAILURE() << "filters_overlap('" << a << "', '" << b << "') is " << overlap
                              << (both.any() ? " but both match " + u.witness(both, TopicSet())
                                             : " but no topic matches both");
            }
        }
    }
}

TEST(FilterRelationsBruteForce, AlgebraicProperties) {
    const Universe& u = universe();
    int failures = 0;
    for (std::size_t i = 0; i < u.filters.size() && failures < 20; ++i) {
        const auto& a = u.filters[i];
        if (!filter_covers(a, a) || !filters_overlap(a, a)) {
            ++failures;
            ADD_FAILURE() << "'" << a << "' does not cover or overlap itself";
        }
        for (std::size_t j = 0; j < u.filters.size() && failures < 20; ++j) {
            const auto& b = u.filters[j];
            if (filters_overlap(a, b) != filters_overlap(b, a)) {
                ++failures;
                ADD_FAILURE() << "filters_overlap is not symmetric on '" << a << "', '" << b << "'";
            }
            // Every valid filter matches some topic, so covering implies sharing.
            if (filter_covers(a, b) && !filters_overlap(a, b)) {
                ++failures;
                ADD_FAILURE() << "'" << a << "' covers '" << b << "' without overlapping it";
            }
            // Mutual cover means the same set of topics.
            if (filter_covers(a, b) && filter_covers(b, a) && u.matched[i] != u.matched[j]) {
                ++failures;
                ADD_FAILURE() << "'" << a << "' and '" << b << "' cover each other but differ";
            }
        }
    }
}

}  // namespace
}  // namespace mqttws
