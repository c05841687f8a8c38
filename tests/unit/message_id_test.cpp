// msg._msgid: 16 lowercase hex digits, unique within the process.
#include "mqttws/message_id.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace mqttws {
namespace {

bool is_hex16(const std::string& id) {
    if (id.size() != 16) return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

TEST(MessageId, UniqueOver100k) {
    MessageIdGenerator ids(0);
    std::unordered_set<std::string> seen;
    for (int i = 0; i < 100'000; ++i) {
        const std::string id = ids.next();
        ASSERT_TRUE(is_hex16(id)) << id;
        ASSERT_TRUE(seen.insert(id).second) << "repeated " << id << " after " << i;
    }
}

TEST(MessageId, SeedsGiveDifferentSequences) {
    MessageIdGenerator a(1);
    MessageIdGenerator b(2);
    std::unordered_set<std::string> first;
    for (int i = 0; i < 1000; ++i) first.insert(a.next());
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(first.count(b.next()), 0u);
}

TEST(MessageId, SameSeedIsReproducible) {
    MessageIdGenerator a(42);
    MessageIdGenerator b(42);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(MessageId, ConsecutiveIdsLookUnrelated) {
    // Not a counter: consecutive ids differ in many hex digits.
    MessageIdGenerator ids(7);
    std::string previous = ids.next();
    int total_differing = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = ids.next();
        for (std::size_t k = 0; k < 16; ++k) total_differing += id[k] != previous[k];
        previous = id;
    }
    EXPECT_GT(total_differing, 1000 * 12);  // about 15 of 16 on average
}

}  // namespace
}  // namespace mqttws
