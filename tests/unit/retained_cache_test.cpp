// RetainedCache: the last retained message per topic, bounded in topics,
// and what a new subscription's replay cursor yields.
#include "mqttws/retained_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "filter_corpus.hpp"
#include "mqttws/message.hpp"
#include "mqttws/topic_filter.hpp"
#include "mqttws/topic_levels.hpp"
#include "test_outbound.hpp"

namespace mqttws {
namespace {

using Entry = TestEntry;
using Cache = RetainedCache<Entry>;

Entry entry(std::string topic, std::string payload, bool retain = true,
            std::optional<std::string> target = std::nullopt) {
    auto out = std::make_shared<TestOutbound>();
    out->msg.mqtt_topic = "site/" + topic;
    out->msg.topic = std::move(topic);
    out->msg.payload = std::move(payload);
    out->msg.retain = retain;
    out->msg.target_session = std::move(target);
    return out;
}

using Topics = std::vector<std::string>;

std::vector<std::string> payloads(const std::vector<Entry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e->message().payload);
    std::sort(out.begin(), out.end());
    return out;
}

// Everything one replay yields, walked to its end.
std::vector<Entry> collect(const Cache& cache, const std::vector<std::string>& added,
                           const std::vector<std::string>& held = {}) {
    std::vector<Entry> out;
    RetainedCursor cursor = cache.replay(added, held);
    while (const Entry* e = cache.next(cursor)) out.push_back(*e);
    EXPECT_EQ(cache.next(cursor), nullptr);  // stays done
    return out;
}

std::vector<std::string> topics(const Cache& cache, const std::vector<std::string>& added,
                                const std::vector<std::string>& held = {}) {
    const std::vector<Entry> out = collect(cache, added, held);
    std::vector<std::string> result;
    for (const auto& e : out) result.push_back(e->message().topic);
    std::sort(result.begin(), result.end());
    return result;
}

TEST(RetainedCache, StoresARetainedMessage) {
    Cache cache(10);
    EXPECT_EQ(cache.size(), 0u);
    const Entry e = entry("a/b", "v1");
    EXPECT_EQ(cache.update(e), RetainedUpdate::stored);
    EXPECT_EQ(cache.size(), 1u);
    const std::vector<Entry> out = collect(cache, {"a/b"});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], e);  // the very entry, shared, not a copy
}

TEST(RetainedCache, ReplacesTheEntryOfTheSameTopic) {
    Cache cache(10);
    ASSERT_EQ(cache.update(entry("a/b", "v1")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("a/c", "c1")), RetainedUpdate::stored);
    EXPECT_EQ(cache.update(entry("a/b", "v2")), RetainedUpdate::stored);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(payloads(collect(cache, {"a/b"})), (Topics{"v2"}));
}

TEST(RetainedCache, KeyedByMsgTopic) {
    Cache cache(10);
    auto first = std::make_shared<TestOutbound>();
    first->msg = entry("x", "1")->message();
    first->msg.mqtt_topic = "one/x";
    auto second = std::make_shared<TestOutbound>();
    second->msg = entry("x", "2")->message();
    second->msg.mqtt_topic = "two/x";
    ASSERT_EQ(cache.update(first), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(second), RetainedUpdate::stored);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(topics(cache, {"x"}), (Topics{"x"}));
}

TEST(RetainedCache, EmptyRetainedPayloadDeletes) {
    Cache cache(10);
    ASSERT_EQ(cache.update(entry("a/b", "v1")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("a/c", "c1")), RetainedUpdate::stored);
    EXPECT_EQ(cache.update(entry("a/b", "")), RetainedUpdate::deleted);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(topics(cache, {"#"}), (Topics{"a/c"}));
    // Deleting a topic that is not cached changes nothing.
    EXPECT_EQ(cache.update(entry("never/seen", "")), RetainedUpdate::deleted);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(RetainedCache, NonRetainedMessagesAreNotCached) {
    Cache cache(10);
    EXPECT_EQ(cache.update(entry("a/b", "live", false)), RetainedUpdate::not_retained);
    EXPECT_EQ(cache.size(), 0u);
    // Nor do they replace or delete the retained state of their topic.
    ASSERT_EQ(cache.update(entry("a/b", "state")), RetainedUpdate::stored);
    EXPECT_EQ(cache.update(entry("a/b", "live", false)), RetainedUpdate::not_retained);
    EXPECT_EQ(cache.update(entry("a/b", "", false)), RetainedUpdate::not_retained);
    EXPECT_EQ(payloads(collect(cache, {"a/b"})), (Topics{"state"}));
}

TEST(RetainedCache, TargetedMessagesAreNotCached) {
    Cache cache(10);
    EXPECT_EQ(cache.update(entry("a/b", "private", true, "S1")), RetainedUpdate::not_retained);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_TRUE(topics(cache, {"#"}).empty());
    ASSERT_EQ(cache.update(entry("a/b", "public")), RetainedUpdate::stored);
    EXPECT_EQ(cache.update(entry("a/b", "", true, "S1")), RetainedUpdate::not_retained);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(RetainedCache, AtCapacityTheLeastRecentlyUpdatedTopicGoes) {
    Cache cache(2);
    ASSERT_EQ(cache.update(entry("a", "a1")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("b", "b1")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("a", "a2")), RetainedUpdate::stored);  // a is newer than b now
    std::size_t evicted = 0;
    EXPECT_EQ(cache.update(entry("c", "c1"), &evicted), RetainedUpdate::stored);
    EXPECT_EQ(evicted, 1u);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(payloads(collect(cache, {"#"})), (Topics{"a2", "c1"}));
    // A delete makes room without evicting.
    EXPECT_EQ(cache.update(entry("c", "")), RetainedUpdate::deleted);
    EXPECT_EQ(cache.update(entry("d", "d1"), &evicted), RetainedUpdate::stored);
    EXPECT_EQ(evicted, 0u);
    EXPECT_EQ(topics(cache, {"#"}), (Topics{"a", "d"}));
}

TEST(RetainedCache, TheByteBoundEvictsOldestFirstAndRefusesWhatCannotFitAlone) {
    const std::uint64_t one = kept_message_bytes(100, 1) + retained_node_overhead;  // topic "x"
    Cache cache(RetainedLimits{100, 3 * one});
    for (const char* topic : {"a", "b", "c"}) {
        ASSERT_EQ(cache.update(entry(topic, std::string(100, 'p'))), RetainedUpdate::stored);
    }
    EXPECT_EQ(cache.bytes(), 3 * one);
    std::size_t evicted = 0;
    EXPECT_EQ(cache.update(entry("d", std::string(100, 'p')), &evicted), RetainedUpdate::stored);
    EXPECT_EQ(evicted, 1u);
    EXPECT_EQ(topics(cache, {"#"}), (Topics{"b", "c", "d"}));
    // Larger than the whole bound: not kept, and its topic's older message goes.
    EXPECT_EQ(cache.update(entry("b", std::string(4 * one, 'p'))), RetainedUpdate::full);
    EXPECT_EQ(topics(cache, {"#"}), (Topics{"c", "d"}));
}

TEST(RetainedCache, AMessageGoesWhenItsExpiryIntervalRunsOut) {
    Cache cache(10);
    const auto t0 = std::chrono::steady_clock::now();
    auto expiring = std::make_shared<TestOutbound>();
    expiring->msg = entry("e", "soon")->message();
    expiring->msg.message_expiry_interval = 10;
    expiring->msg.arrival = t0;
    ASSERT_EQ(cache.update(expiring), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("keep", "forever")), RetainedUpdate::stored);
    EXPECT_EQ(cache.expire(t0 + std::chrono::seconds(9)), 0u);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.expire(t0 + std::chrono::seconds(10)), 1u);
    EXPECT_EQ(topics(cache, {"#"}), (Topics{"keep"}));
}

TEST(RetainedCache, AReplacedMessageDoesNotExpireWithItsPredecessor) {
    Cache cache(10);
    const auto t0 = std::chrono::steady_clock::now();
    auto expiring = std::make_shared<TestOutbound>();
    expiring->msg = entry("e", "soon")->message();
    expiring->msg.message_expiry_interval = 1;
    expiring->msg.arrival = t0;
    ASSERT_EQ(cache.update(expiring), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("e", "no expiry")), RetainedUpdate::stored);
    EXPECT_EQ(cache.expire(t0 + std::chrono::seconds(5)), 0u);
    EXPECT_EQ(payloads(collect(cache, {"#"})), (Topics{"no expiry"}));
}

TEST(RetainedCache, AResyncDropsTheTopicsTheBrokerDidNotSendAgain) {
    Cache cache(10);
    for (const char* topic : {"a", "b", "c"}) {
        ASSERT_EQ(cache.update(entry(topic, "old")), RetainedUpdate::stored);
    }
    cache.begin_resync();
    ASSERT_EQ(cache.update(entry("a", "again")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("d", "new")), RetainedUpdate::stored);
    EXPECT_EQ(cache.end_resync(), 2u);  // b and c
    EXPECT_EQ(payloads(collect(cache, {"#"})), (Topics{"again", "new"}));
}

TEST(RetainedCache, ZeroCapacityHoldsNothing) {
    Cache cache(0);
    EXPECT_EQ(cache.update(entry("a", "1")), RetainedUpdate::full);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.bytes(), 0u);
}

TEST(RetainedCache, CollectMatchesAnyAddedFilter) {
    Cache cache(10);
    for (const char* topic : {"a/b", "a/c", "a/b/c", "x/y", "z"}) {
        ASSERT_EQ(cache.update(entry(topic, "p")), RetainedUpdate::stored);
    }
    EXPECT_EQ(topics(cache, {"a/+"}), (Topics{"a/b", "a/c"}));
    EXPECT_EQ(topics(cache, {"a/#"}), (Topics{"a/b", "a/b/c", "a/c"}));
    EXPECT_EQ(topics(cache, {"a/+", "x/#"}), (Topics{"a/b", "a/c", "x/y"}));
    EXPECT_EQ(topics(cache, {"z", "z"}), (Topics{"z"}));  // once, though two filters match
    EXPECT_TRUE(topics(cache, {"nothing/here"}).empty());
    EXPECT_TRUE(topics(cache, {}).empty());
}

TEST(RetainedCache, CollectSkipsWhatHeldFiltersAlreadyMatch) {
    Cache cache(10);
    for (const char* topic : {"a/b", "a/c", "a/b/c", "x/y"}) {
        ASSERT_EQ(cache.update(entry(topic, "p")), RetainedUpdate::stored);
    }
    EXPECT_EQ(topics(cache, {"a/#"}, {"a/c"}), (Topics{"a/b", "a/b/c"}));
    EXPECT_EQ(topics(cache, {"a/#", "x/y"}, {"a/+"}), (Topics{"a/b/c", "x/y"}));
    EXPECT_TRUE(topics(cache, {"a/+"}, {"#"}).empty());
    EXPECT_EQ(topics(cache, {"#"}, {"nothing"}), (Topics{"a/b", "a/b/c", "a/c", "x/y"}));
}

TEST(RetainedCache, DollarTopicsAreNotMatchedByLeadingWildcards) {
    Cache cache(10);
    ASSERT_EQ(cache.update(entry("$SYS/load", "1")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("plain", "2")), RetainedUpdate::stored);
    EXPECT_EQ(topics(cache, {"#"}), (Topics{"plain"}));
    EXPECT_EQ(topics(cache, {"+/load"}), Topics{});
    EXPECT_EQ(topics(cache, {"$SYS/#"}), (Topics{"$SYS/load"}));
    EXPECT_EQ(topics(cache, {"$SYS/+"}), (Topics{"$SYS/load"}));
    // A held '#' does not hide a $ topic either.
    EXPECT_EQ(topics(cache, {"$SYS/#"}, {"#"}), (Topics{"$SYS/load"}));
}

TEST(RetainedCache, ReplayWalksTopicsInOrder) {
    Cache cache(10);
    for (const char* topic : {"b", "a/2", "c", "a/1"}) {
        ASSERT_EQ(cache.update(entry(topic, "p")), RetainedUpdate::stored);
    }
    std::vector<std::string> order;
    for (const Entry& e : collect(cache, {"#"})) order.push_back(e->message().topic);
    EXPECT_EQ(order, (Topics{"a/1", "a/2", "b", "c"}));
}

TEST(RetainedCache, ATopicUpdatedDuringTheReplayIsLeftToTheLiveMessage) {
    Cache cache(10);
    for (const char* topic : {"a", "b", "c", "d"}) {
        ASSERT_EQ(cache.update(entry(topic, std::string("old-") + topic)), RetainedUpdate::stored);
    }
    RetainedCursor cursor = cache.replay({"#"}, {});
    const Entry* first = cache.next(cursor);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ((*first)->message().payload, "old-a");
    // While the replay runs: "a" (already yielded) and "c" (not yet) change,
    // "b" is cleared and "bb" appears. The client gets those as live messages.
    ASSERT_EQ(cache.update(entry("a", "new-a")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("c", "new-c")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("b", "")), RetainedUpdate::deleted);
    ASSERT_EQ(cache.update(entry("bb", "new-bb")), RetainedUpdate::stored);
    std::vector<std::string> rest;
    while (const Entry* e = cache.next(cursor)) rest.push_back((*e)->message().payload);
    EXPECT_EQ(rest, (Topics{"old-d"}));
    // A replay begun now sees the new state.
    EXPECT_EQ(payloads(collect(cache, {"#"})), (Topics{"new-a", "new-bb", "new-c", "old-d"}));
}

TEST(RetainedCache, ReplaysAreIndependent) {
    Cache cache(10);
    for (const char* topic : {"a", "b"}) {
        ASSERT_EQ(cache.update(entry(topic, "p")), RetainedUpdate::stored);
    }
    RetainedCursor one = cache.replay({"#"}, {});
    RetainedCursor two = cache.replay({"b"}, {});
    ASSERT_NE(cache.next(one), nullptr);
    const Entry* b = cache.next(two);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ((*b)->message().topic, "b");
    EXPECT_EQ(cache.next(two), nullptr);
    const Entry* second = cache.next(one);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ((*second)->message().topic, "b");
    EXPECT_EQ(cache.next(one), nullptr);
}

}  // namespace
}  // namespace mqttws

namespace mqttws {
namespace {

// The tree against a brute-force reference: every filter of 1..3 levels from
// {a, b, "", +, #, $x} over random stores of topics of 1..4 levels from
// {a, b, "", $x}; each replay must yield exactly the matching topics, once, in
// topic order (levels compared one by one, a topic before those below it),
// also when the store changes between steps.
std::vector<std::string> all_of(const std::vector<std::string>& first,
                                const std::vector<std::string>& rest, std::size_t depth) {
    return corpus::all_level_strings(first, rest, depth);
}

bool level_order(const std::string& a, const std::string& b) {
    const TopicLevels x(a), y(b);
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (x[i] != y[i]) return x[i] < y[i];
    }
    return x.size() < y.size();
}

TEST(RetainedTree, EveryReplayYieldsExactlyTheMatchingTopicsInOrder) {
    std::vector<std::string> filters;
    for (auto& f : all_of({"a", "b", "", "+", "#", "$x"}, {"a", "b", "", "+", "#"}, 3)) {
        if (validate_filter(f) == TopicError::ok) filters.push_back(f);
    }
    std::vector<std::string> topics;
    for (auto& t : all_of({"a", "b", "", "$x"}, {"a", "b", ""}, 4)) {
        if (validate_topic_name(t) == TopicError::ok) topics.push_back(t);
    }
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        Cache cache(1000);
        std::set<std::string> stored;
        for (const auto& topic : topics) {
            if (rng() % 3 == 0) {
                ASSERT_EQ(cache.update(entry(topic, "p")), RetainedUpdate::stored);
                stored.insert(topic);
            }
        }
        for (const auto& filter : filters) {
            std::vector<std::string> expected;
            for (const auto& topic : stored) {
                if (topic_matches(filter, topic)) expected.push_back(topic);
            }
            std::sort(expected.begin(), expected.end(), level_order);
            std::vector<std::string> got;
            RetainedCursor cursor = cache.replay({filter}, {});
            while (const Entry* e = cache.next(cursor)) got.push_back((*e)->message().topic);
            ASSERT_EQ(got, expected) << "filter '" << filter << "', round " << round;
        }
    }
}

TEST(RetainedTree, SeveralFiltersWithHeldOnesAndChangesDuringTheReplay) {
    std::vector<std::string> filters;
    for (auto& f : all_of({"a", "b", "+", "#", "$x"}, {"a", "b", "", "+", "#"}, 3)) {
        if (validate_filter(f) == TopicError::ok) filters.push_back(f);
    }
    std::vector<std::string> topics;
    for (auto& t : all_of({"a", "b", "", "$x"}, {"a", "b", ""}, 4)) {
        if (validate_topic_name(t) == TopicError::ok) topics.push_back(t);
    }
    std::mt19937 rng(11);
    auto any = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
    for (int round = 0; round < 2'000; ++round) {
        Cache cache(1000);
        std::set<std::string> stored;
        for (const auto& topic : topics) {
            if (rng() % 2 == 0 && cache.update(entry(topic, "p")) == RetainedUpdate::stored) {
                stored.insert(topic);
            }
        }
        const std::vector<std::string> added{any(filters), any(filters)};
        const std::vector<std::string> held{any(filters)};
        auto wanted = [&](const std::string& topic) {
            auto matches = [&](const std::vector<std::string>& fs) {
                return std::any_of(fs.begin(), fs.end(),
                                   [&](const std::string& f) { return topic_matches(f, topic); });
            };
            return matches(added) && !matches(held);
        };
        RetainedCursor cursor = cache.replay(added, held);
        std::vector<std::string> got;
        std::set<std::string> changed;
        while (const Entry* e = cache.next(cursor)) {
            got.push_back((*e)->message().topic);
            // Now and then a topic changes under the replay.
            if (rng() % 4 == 0) {
                const std::string topic = any(topics);
                changed.insert(topic);
                if (rng() % 2 == 0) {
                    cache.update(entry(topic, ""));
                    stored.erase(topic);
                } else if (cache.update(entry(topic, "new")) == RetainedUpdate::stored) {
                    stored.insert(topic);
                }
            }
        }
        ASSERT_TRUE(std::is_sorted(got.begin(), got.end(), level_order));
        ASSERT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
        for (const auto& topic : got) ASSERT_TRUE(wanted(topic)) << topic;
        // Every wanted topic that did not change during the replay was yielded.
        for (const auto& topic : stored) {
            if (wanted(topic) && changed.count(topic) == 0) {
                ASSERT_NE(std::find(got.begin(), got.end(), topic), got.end())
                    << topic << " missing, round " << round;
            }
        }
    }
}

TEST(RetainedTree, AReplayResumesAcrossChangesToTheTree) {
    Cache cache(100);
    for (const char* topic : {"a/a", "a/b", "a/b/c", "b", "b/a", "c"}) {
        ASSERT_EQ(cache.update(entry(topic, "p")), RetainedUpdate::stored);
    }
    RetainedCursor cursor = cache.replay({"#"}, {});
    std::vector<std::string> got;
    got.push_back((*cache.next(cursor))->message().topic);  // a/a
    got.push_back((*cache.next(cursor))->message().topic);  // a/b
    // The topic just yielded goes, one before it appears, one after it goes.
    ASSERT_EQ(cache.update(entry("a/b", "")), RetainedUpdate::deleted);
    ASSERT_EQ(cache.update(entry("a/0", "new")), RetainedUpdate::stored);
    ASSERT_EQ(cache.update(entry("b/a", "")), RetainedUpdate::deleted);
    while (const Entry* e = cache.next(cursor)) got.push_back((*e)->message().topic);
    EXPECT_EQ(got, (Topics{"a/a", "a/b", "a/b/c", "b", "c"}));
}

TEST(RetainedTree, ALiteralFilterVisitsOnlyItsBranch) {
    // 10 of 20,000 topics match: the replay must find exactly those.
    Cache cache(100'000);
    for (int i = 0; i < 20'000; ++i) {
        ASSERT_EQ(cache.update(entry("noise/" + std::to_string(i), "p")), RetainedUpdate::stored);
    }
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(cache.update(entry("a/b/" + std::to_string(i), "p")), RetainedUpdate::stored);
    }
    EXPECT_EQ(topics(cache, {"a/b/#"}).size(), 10u);
    EXPECT_EQ(topics(cache, {"a/+/3"}), (Topics{"a/b/3"}));
    EXPECT_EQ(cache.size(), 20'010u);
}

}  // namespace
}  // namespace mqttws
