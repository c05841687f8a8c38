#include "recovery_ledger.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

constexpr const char* kEpoch = "9f3c0123456789ab";

std::string message(const std::string& topic, std::uint64_t offset,
                    const std::string& epoch = kEpoch) {
    return R"({"type":"message","topic":")" + topic + R"(","payload":"p","offset":)" +
           std::to_string(offset) + R"(,"epoch":")" + epoch + "\"}";
}

// An ack giving client `client` offset `offset` on topics 0 .. count-1.
std::string positions_ack(std::size_t client, std::size_t count, std::uint64_t offset = 1) {
    std::string ack = R"({"type":"ack","id":1,"positions":{)";
    for (std::size_t j = 0; j < count; ++j) {
        if (j > 0) ack += ",";
        ack += R"("b/rec/)" + std::to_string(client) + "/" + std::to_string(j) + R"(":{"offset":)" +
               std::to_string(offset) + R"(,"epoch":")" + kEpoch + "\"}";
    }
    return ack + "}}";
}

constexpr const char* kRecovered = R"({"type":"ack","id":1,"recovered":true})";

TEST(RecoveryTopics, AClientOwnsItsTopicsOnly) {
    const RecoveryTopics topics("b", 4);
    EXPECT_EQ(topics.filter(7), "b/rec/7/#");
    EXPECT_EQ(topics.topic(7, 3), "b/rec/7/3");
    EXPECT_EQ(topics.index_of(7, "b/rec/7/3"), std::optional<std::size_t>(3));
    EXPECT_FALSE(topics.index_of(7, "b/rec/7/4"));
    EXPECT_FALSE(topics.index_of(7, "b/rec/70/3"));
    EXPECT_FALSE(topics.index_of(7, "b/rec/7/3/x"));
    EXPECT_FALSE(topics.index_of(7, "b/rec/7/"));
    EXPECT_FALSE(topics.index_of(7, "b/live/7/3"));
}

TEST(PositionBook, KeepsAnAckThatNamesExactlyTheClientsTopics) {
    const RecoveryTopics topics("b", 2);
    PositionBook book(topics, 3);
    book.record(0, R"({"type":"welcome","session":"s"})");
    EXPECT_FALSE(book.all_answered());
    book.record(0, positions_ack(0, 2));
    book.record(1, positions_ack(1, 1));  // one topic short
    EXPECT_EQ(book.clients_done(), 1u);
    EXPECT_EQ(book.first_problem(), "client 1: 1 positions, not 2");
    book.record(2, positions_ack(1, 2));  // someone else's topics
    EXPECT_TRUE(book.all_answered());
    EXPECT_EQ(book.clients_done(), 1u);
    EXPECT_EQ(book.positions(0).at("b/rec/0/1"), (StreamPosition{1, kEpoch}));
}

class RecoveryCheckTest : public ::testing::Test {
  protected:
    RecoveryCheckTest() {
        book_.record(0, positions_ack(0, 2));
        book_.record(1, positions_ack(1, 2, 5));
    }
    RecoveryTopics topics_{"b", 2};
    PositionBook book_{topics_, 2};
};

TEST_F(RecoveryCheckTest, AClientIsDoneWithEveryOffsetAfterItsPositionsOnce) {
    RecoveryCheck check(topics_, book_, 3);
    check.start(1'000'000'000);
    check.record(0, kRecovered, 1'100'000'000);
    for (std::uint64_t offset = 2; offset <= 4; ++offset) {
        check.record(0, message("b/rec/0/1", offset), 1'200'000'000);
        check.record(0, message("b/rec/0/0", offset), 1'500'000'000);
    }
    EXPECT_EQ(check.clients_done(), 1u);
    EXPECT_FALSE(check.all_settled());
    EXPECT_EQ(check.frames(), 6u);
    EXPECT_EQ(check.missing(), 6u);  // client 1's
    EXPECT_EQ(check.recovered_true(), 1u);
    const auto completion = check.completion_s();
    ASSERT_TRUE(completion[0]);
    EXPECT_NEAR(*completion[0], 0.5, 1e-9);
    EXPECT_FALSE(completion[1]);
}

TEST_F(RecoveryCheckTest, OffsetsCountFromEachClientsOwnPosition) {
    RecoveryCheck check(topics_, book_, 1);
    check.record(1, kRecovered, 1);
    check.record(1, message("b/rec/1/0", 2), 2);  // client 1 had 5 already
    check.record(1, message("b/rec/1/0", 6), 2);
    check.record(1, message("b/rec/1/1", 6), 3);
    EXPECT_EQ(check.foreign(), 1u);
    EXPECT_EQ(check.clients_done(), 1u);
}

TEST_F(RecoveryCheckTest, RepeatsReorderingsAndStrangersAreCounted) {
    RecoveryCheck check(topics_, book_, 3);
    check.record(0, kRecovered, 1);
    check.record(0, message("b/rec/0/0", 3), 2);
    check.record(0, message("b/rec/0/0", 2), 2);                      // after 3: out of order
    check.record(0, message("b/rec/0/0", 3), 2);                      // again
    check.record(0, message("b/rec/0/0", 5), 2);                      // beyond what was published
    check.record(0, message("b/rec/0/1", 2, "0000000000000001"), 2);  // another epoch
    check.record(0, message("b/rec/1/0", 6), 2);                      // another client's
    check.record(0, "not json", 2);
    EXPECT_EQ(check.frames(), 2u);
    EXPECT_EQ(check.out_of_order(), 1u);
    EXPECT_EQ(check.duplicates(), 1u);
    EXPECT_EQ(check.foreign(), 3u);
    EXPECT_EQ(check.unparsed(), 1u);
}

TEST_F(RecoveryCheckTest, AllMessagesWithoutARecoveredAckIsNotDone) {
    RecoveryCheck check(topics_, book_, 1);
    check.record(0, message("b/rec/0/0", 2), 2);
    check.record(0, message("b/rec/0/1", 2), 2);
    EXPECT_EQ(check.clients_done(), 0u);
    check.record(0, kRecovered, 3);
    EXPECT_EQ(check.clients_done(), 1u);
}

TEST_F(RecoveryCheckTest, RecoveredFalseSettlesAClientWithItsReason) {
    RecoveryCheck check(topics_, book_, 1);
    check.record(0,
                 R"({"type":"ack","id":1,"recovered":false,"reason":"epoch_changed",)"
                 R"("topic":"b/rec/0/1"})",
                 1);
    check.record(1, kRecovered, 1);
    check.record(1, R"({"type":"recovery","recovered":false,"reason":"trimmed","topic":"x"})", 2);
    EXPECT_TRUE(check.all_settled());
    EXPECT_EQ(check.clients_done(), 0u);
    EXPECT_EQ(check.recovered_true(), 1u);
    EXPECT_EQ(check.recovered_false(), 2u);
    EXPECT_EQ(check.first_reason(), "epoch_changed b/rec/0/1");
}

}  // namespace
}  // namespace mwb::bench
