// HistoryStore: offsets and epochs per topic, what a recovery may promise,
// trimming by count, the time to live and the byte bound.
#include "mqttws/history_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mqttws/message.hpp"
#include "mqttws/topic_filter.hpp"
#include "test_outbound.hpp"

namespace mqttws {
namespace {

using Entry = TestEntry;
using Store = HistoryStore<Entry>;
using Clock = Store::Clock;

Entry entry(std::string topic, std::string payload) {
    auto out = std::make_shared<TestOutbound>();
    out->msg.topic = std::move(topic);
    out->msg.payload = std::move(payload);
    return out;
}

HistoryLimits keep(std::size_t messages) {
    HistoryLimits limits;
    limits.messages = messages;
    return limits;
}

// The payloads a recovery after `offset` yields, through `through`.
std::vector<std::string> replay(const Store& store, const std::string& topic, std::uint64_t offset,
                                std::uint64_t through) {
    std::vector<std::string> out;
    HistoryStamp stamp;
    while (const Entry* e = store.next(topic, offset, through, &stamp)) {
        out.push_back((*e)->msg.payload);
        EXPECT_EQ(stamp.position.offset, offset + 1);
        offset = stamp.position.offset;
    }
    return out;
}

const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);

TEST(HistoryStoreTest, OffsetsGrowByOnePerTopicUnderOneEpochPerStream) {
    Store store(keep(10), 42);
    const auto a1 = store.append(entry("a", "1"), t0);
    const auto b1 = store.append(entry("b", "1"), t0);
    const auto a2 = store.append(entry("a", "2"), t0);
    ASSERT_TRUE(a1 && b1 && a2);
    EXPECT_EQ(a1->position.offset, 1u);
    EXPECT_EQ(b1->position.offset, 1u);
    EXPECT_EQ(a2->position.offset, 2u);
    EXPECT_EQ(a1->position.epoch, a2->position.epoch);
    EXPECT_NE(a1->position.epoch, b1->position.epoch);
    EXPECT_NE(a1->position.epoch, 0u);
    EXPECT_LT(a1->sequence, b1->sequence);
    EXPECT_LT(b1->sequence, a2->sequence);
    EXPECT_EQ(store.position("a"), (StreamPosition{2, a1->position.epoch}));
    EXPECT_FALSE(store.position("c"));
}

TEST(HistoryStoreTest, AnotherProcessDrawsOtherEpochs) {
    Store one(keep(1), 1);
    Store two(keep(1), 2);
    EXPECT_NE(one.append(entry("a", "x"), t0)->position.epoch,
              two.append(entry("a", "x"), t0)->position.epoch);
}

TEST(HistoryStoreTest, RecoveryAfterAPositionYieldsExactlyWhatFollows) {
    Store store(keep(100), 7);
    std::uint64_t epoch = 0;
    for (int i = 1; i <= 10; ++i) {
        epoch = store.append(entry("t", std::to_string(i)), t0)->position.epoch;
    }
    EXPECT_EQ(store.check("t", {4, epoch}), RecoveryStatus::recovered);
    EXPECT_EQ(replay(store, "t", 4, store.sequence()),
              (std::vector<std::string>{"5", "6", "7", "8", "9", "10"}));
    EXPECT_EQ(store.check("t", {10, epoch}), RecoveryStatus::recovered);
    EXPECT_TRUE(replay(store, "t", 10, store.sequence()).empty());
}

TEST(HistoryStoreTest, ARecoveryStopsAtTheSequenceItBeganWith) {
    Store store(keep(100), 7);
    store.append(entry("t", "1"), t0);
    store.append(entry("t", "2"), t0);
    const std::uint64_t through = store.sequence();
    store.append(entry("t", "3"), t0);  // arrives live, after the replay
    EXPECT_EQ(replay(store, "t", 0, through), (std::vector<std::string>{"1", "2"}));
}

TEST(HistoryStoreTest, AWrongEpochOrAPositionNeverGivenOutIsNotRecovered) {
    Store store(keep(10), 7);
    const auto stamp = store.append(entry("t", "1"), t0);
    EXPECT_EQ(store.check("t", {1, stamp->position.epoch + 1}), RecoveryStatus::epoch_changed);
    EXPECT_EQ(store.check("t", {5, stamp->position.epoch}), RecoveryStatus::epoch_changed);
    EXPECT_EQ(store.check("u", {1, stamp->position.epoch}), RecoveryStatus::unknown_topic);
}

TEST(HistoryStoreTest, TrimmingByCountKeepsTheNewestAndRefusesOlderPositions) {
    Store store(keep(3), 7);
    std::uint64_t epoch = 0;
    for (int i = 1; i <= 5; ++i) {
        epoch = store.append(entry("t", std::to_string(i)), t0)->position.epoch;
    }
    EXPECT_EQ(store.messages(), 3u);
    EXPECT_EQ(store.counters().trimmed, 2u);
    EXPECT_EQ(store.check("t", {1, epoch}), RecoveryStatus::trimmed);
    EXPECT_EQ(store.check("t", {2, epoch}), RecoveryStatus::recovered);  // 3, 4, 5 are kept
    EXPECT_EQ(replay(store, "t", 2, store.sequence()), (std::vector<std::string>{"3", "4", "5"}));
    EXPECT_EQ(store.check_from_start("t"), RecoveryStatus::trimmed);
}

TEST(HistoryStoreTest, AStreamThatStillHoldsItsStartCanBeGivenWhole) {
    Store store(keep(3), 7);
    store.append(entry("t", "1"), t0);
    store.append(entry("t", "2"), t0);
    EXPECT_EQ(store.check_from_start("t"), RecoveryStatus::recovered);
    EXPECT_EQ(replay(store, "t", 0, store.sequence()), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(store.check_from_start("u"), RecoveryStatus::unknown_topic);
}

TEST(HistoryStoreTest, TheFirstMatchingFilterDecidesTheCount) {
    HistoryLimits limits;
    limits.messages = 0;
    limits.filters = {{"sensors/+/temp", 2}, {"sensors/#", 5}};
    Store store(limits, 7);
    EXPECT_TRUE(store.enabled());
    EXPECT_EQ(store.capacity("sensors/a/temp"), 2u);
    EXPECT_EQ(store.capacity("sensors/a/hum"), 5u);
    EXPECT_EQ(store.capacity("other"), 0u);
    EXPECT_FALSE(store.append(entry("other", "x"), t0));
    EXPECT_EQ(store.check("other", {0, 0}), RecoveryStatus::not_kept);
    for (int i = 0; i < 4; ++i) store.append(entry("sensors/a/temp", "x"), t0);
    EXPECT_EQ(store.messages(), 2u);
    EXPECT_FALSE(Store(keep(0), 1).enabled());
}

TEST(HistoryStoreTest, MessagesOlderThanTheTimeToLiveGoButTheStreamRemembersItsOffset) {
    HistoryLimits limits = keep(10);
    limits.ttl = std::chrono::seconds(60);
    Store store(limits, 7);
    const auto first = store.append(entry("t", "1"), t0);
    store.append(entry("t", "2"), t0 + std::chrono::seconds(30));
    store.expire(t0 + std::chrono::seconds(59));
    EXPECT_EQ(store.messages(), 2u);
    store.expire(t0 + std::chrono::seconds(60));
    EXPECT_EQ(store.messages(), 1u);
    EXPECT_EQ(store.counters().expired, 1u);
    store.expire(t0 + std::chrono::seconds(90));
    EXPECT_EQ(store.messages(), 0u);
    // A client that saw both missed nothing, and can be told so.
    const std::uint64_t epoch = first->position.epoch;
    EXPECT_EQ(store.check("t", {2, epoch}), RecoveryStatus::recovered);
    EXPECT_EQ(store.check("t", {1, epoch}), RecoveryStatus::trimmed);
    // The stream goes on where it was.
    const auto third = store.append(entry("t", "3"), t0 + std::chrono::seconds(91));
    EXPECT_EQ(third->position, (StreamPosition{3, epoch}));
}

TEST(HistoryStoreTest, TheByteBoundDropsTheOldestMessagesAcrossTopics) {
    HistoryLimits limits = keep(100);
    const std::uint64_t one = kept_message_bytes(100, 1) + sizeof(void*) * 4;
    limits.max_bytes = 2 * history_stream_overhead + 10 * one;
    Store store(limits, 7);
    const std::string payload(100, 'x');
    std::map<std::string, std::uint64_t> epochs;
    for (int i = 0; i < 40; ++i) {
        const std::string topic = i % 2 ? "a" : "b";
        epochs[topic] = store.append(entry(topic, payload), t0)->position.epoch;
        ASSERT_LE(store.bytes(), limits.max_bytes);
    }
    EXPECT_GT(store.counters().evicted, 0u);
    EXPECT_LT(store.messages(), 40u);
    EXPECT_GT(store.messages(), 0u);
    // The newest of each topic are kept, contiguous up to the last offset.
    EXPECT_EQ(store.check("a", {20, epochs["a"]}), RecoveryStatus::recovered);
    EXPECT_EQ(store.check("a", {1, epochs["a"]}), RecoveryStatus::trimmed);
}

TEST(HistoryStoreTest, IdleStreamsGoFirstUnderTheByteBoundAndComeBackWithANewEpoch) {
    HistoryLimits limits = keep(1);
    limits.ttl = std::chrono::seconds(10);
    limits.max_bytes = 4096;
    Store store(limits, 7);
    const auto old = store.append(entry("quiet", "1"), t0);
    store.expire(t0 + std::chrono::seconds(10));  // "quiet" is now idle
    EXPECT_EQ(store.streams(), 1u);
    const std::string payload(1000, 'x');
    for (int i = 0; i < 3; ++i) store.append(entry("busy", payload), t0 + std::chrono::seconds(11));
    const std::string big(3600, 'y');
    store.append(entry("busy", big), t0 + std::chrono::seconds(12));
    EXPECT_LE(store.bytes(), limits.max_bytes);
    EXPECT_EQ(store.counters().streams_evicted, 1u);
    EXPECT_FALSE(store.position("quiet"));
    EXPECT_EQ(store.check("quiet", {1, old->position.epoch}), RecoveryStatus::unknown_topic);
    const auto again = store.append(entry("quiet", "2"), t0 + std::chrono::seconds(13));
    EXPECT_EQ(again->position.offset, 1u);
    EXPECT_NE(again->position.epoch, old->position.epoch);
}

TEST(HistoryStoreTest, PositionsOfEveryStreamAFilterMatches) {
    Store store(keep(5), 7);
    store.append(entry("s/a", "1"), t0);
    store.append(entry("s/a", "2"), t0);
    store.append(entry("s/b", "1"), t0);
    store.append(entry("x", "1"), t0);
    std::map<std::string, std::uint64_t> seen;
    store.for_each_position(
        "s/#", [&](const std::string& topic, const StreamPosition& p) { seen[topic] = p.offset; });
    EXPECT_EQ(seen, (std::map<std::string, std::uint64_t>{{"s/a", 2}, {"s/b", 1}}));
}

// The scan starts at the filter's literal part: what it finds must be exactly
// what matching every stream finds, for parents, siblings that share a prefix,
// leading wildcards and `$` topics, before and after streams are evicted.
TEST(HistoryStoreTest, PositionsAreThoseOfEveryMatchingStreamWhateverTheFilter) {
    HistoryLimits limits = keep(1);
    limits.ttl = std::chrono::seconds(1);
    limits.max_bytes = 20 * (history_stream_overhead + 16) + 3000;
    Store store(limits, 7);
    std::vector<std::string> topics = {"a",   "a/b",    "a/b/c", "a/bc", "ab",   "a2/x",
                                       "b/a", "$SYS/a", "/a",    "a/",   "x/a/b"};
    const std::vector<std::string> filters = {"a/#", "a/b/#", "a/+", "+/a",    "#",     "a",
                                              "a/b", "+/+",   "/#",  "$SYS/#", "a/+/c", "+/#"};
    const auto check_all = [&] {
        for (const auto& filter : filters) {
            std::set<std::string> seen;
            std::set<std::string> expected;
            store.for_each_position(filter, [&](const std::string& topic, const StreamPosition&) {
                EXPECT_TRUE(seen.insert(topic).second) << filter << " gave " << topic << " twice";
            });
            for (const auto& topic : topics) {
                if (store.position(topic) && topic_matches(filter, topic)) expected.insert(topic);
            }
            EXPECT_EQ(seen, expected) << filter;
        }
    };
    for (const auto& topic : topics) store.append(entry(topic, "1"), t0);
    check_all();
    // Every stream goes idle; new large ones push idle ones out of the index.
    store.expire(t0 + std::chrono::seconds(1));
    for (int i = 0; i < 3; ++i) {
        topics.push_back("big/" + std::to_string(i));
        store.append(entry(topics.back(), std::string(900, 'x')), t0 + std::chrono::seconds(2));
    }
    EXPECT_GT(store.counters().streams_evicted, 0u);
    check_all();
}

// Random appends, trims and expiries: the accounting always matches what is
// kept, the bound holds, and every stream's messages stay contiguous.
TEST(HistoryStoreTest, RandomWorkloadKeepsTheAccountingExact) {
    std::mt19937 random(12345);
    HistoryLimits limits = keep(8);
    limits.filters = {{"hot/#", 50}};
    limits.ttl = std::chrono::seconds(30);
    limits.max_bytes = 64 * 1024;
    Store store(limits, 99);
    std::map<std::string, StreamPosition> last;
    auto now = t0;
    for (int i = 0; i < 20000; ++i) {
        now += std::chrono::milliseconds(random() % 20);
        const std::string topic = (random() % 3 ? "hot/" : "cold/") + std::to_string(random() % 40);
        const auto stamp = store.append(entry(topic, std::string(random() % 600, 'p')), now);
        ASSERT_TRUE(stamp);
        if (last.count(topic) && last[topic].epoch == stamp->position.epoch) {
            ASSERT_EQ(stamp->position.offset, last[topic].offset + 1);
        } else {
            ASSERT_EQ(stamp->position.offset, 1u);
        }
        last[topic] = stamp->position;
        if (i % 97 == 0) store.expire(now);
        ASSERT_LE(store.bytes(), limits.max_bytes);
    }
    std::size_t counted = 0;
    for (const auto& [topic, position] : last) {
        if (store.check(topic, position) != RecoveryStatus::recovered) continue;
        // Walk back from the newest: offsets are contiguous up to the position.
        std::uint64_t from = position.offset;
        while (from > 0 &&
               store.check(topic, {from - 1, position.epoch}) == RecoveryStatus::recovered) {
            --from;
        }
        counted += replay(store, topic, from, store.sequence()).size();
    }
    EXPECT_EQ(counted, store.messages());
}

}  // namespace
}  // namespace mqttws
