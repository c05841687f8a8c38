#include "delivery_tally.hpp"

#include <gtest/gtest.h>

namespace mwb::bench {
namespace {

TEST(DeliveryTally, CountsInOrderDuplicateAndReordered) {
    DeliveryTally tally;
    TallyCounts counts;
    for (std::uint64_t seq : {5u, 6u, 6u, 8u, 7u, 9u}) count_arrival(counts, tally.record(seq));
    EXPECT_EQ(counts.in_order, 4u);
    EXPECT_EQ(counts.duplicates, 1u);
    EXPECT_EQ(counts.reordered, 1u);
    EXPECT_EQ(counts.unique(), 5u);
}

TEST(DeliveryTally, FirstArrivalIsInOrderEvenAtZero) {
    DeliveryTally tally;
    EXPECT_EQ(tally.record(0), Arrival::InOrder);
    EXPECT_EQ(tally.record(0), Arrival::Duplicate);
}

TEST(DeliveryTally, CountsAddUp) {
    TallyCounts a{1, 2, 3};
    a += TallyCounts{10, 20, 30};
    EXPECT_EQ(a.in_order, 11u);
    EXPECT_EQ(a.duplicates, 22u);
    EXPECT_EQ(a.reordered, 33u);
}

}  // namespace
}  // namespace mwb::bench
