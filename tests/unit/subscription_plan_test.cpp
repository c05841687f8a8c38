// plan_subscriptions: overlapping --subscribe filters folded before they
// reach the broker, partial overlaps reported.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "mqttws/subscribe_spec.hpp"

namespace mqttws {

inline bool operator==(const SubscribeSpec& a, const SubscribeSpec& b) {
    return a.filter == b.filter && a.qos == b.qos;
}

inline void PrintTo(const SubscribeSpec& spec, std::ostream* os) {
    *os << spec.filter << "@" << spec.qos;
}

namespace {

using Specs = std::vector<SubscribeSpec>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PlanSubscriptions, DisjointFiltersAreKeptInOrder) {
    const SubscriptionPlan plan = plan_subscriptions({{"z", 0}, {"a/b", 1}, {"m/+", 2}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"z", 0}, {"a/b", 1}, {"m/+", 2}}));
    EXPECT_TRUE(plan.overlaps.empty());
}

TEST(PlanSubscriptions, EmptyInput) {
    const SubscriptionPlan plan = plan_subscriptions({});
    EXPECT_TRUE(plan.subscriptions.empty());
    EXPECT_TRUE(plan.overlaps.empty());
}

TEST(PlanSubscriptions, CoveredFilterIsDroppedAndItsQosKept) {
    // The covered filter had the higher QoS: the cover takes it.
    SubscriptionPlan plan = plan_subscriptions({{"a/#", 0}, {"a/b", 2}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"a/#", 2}}));
    EXPECT_TRUE(plan.overlaps.empty());

    // Either order.
    plan = plan_subscriptions({{"a/b", 2}, {"a/#", 1}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"a/#", 2}}));

    // The cover's own QoS is kept when it is the higher.
    plan = plan_subscriptions({{"a/b", 0}, {"a/+", 1}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"a/+", 1}}));
}

TEST(PlanSubscriptions, EverythingUnderHashFolds) {
    const SubscriptionPlan plan =
        plan_subscriptions({{"a", 1}, {"b/+", 0}, {"#", 0}, {"c/#", 2}, {"$SYS/#", 0}});
    // '#' does not reach $ topics: $SYS/# stays.
    EXPECT_EQ(plan.subscriptions, (Specs{{"#", 2}, {"$SYS/#", 0}}));
    EXPECT_TRUE(plan.overlaps.empty());
}

TEST(PlanSubscriptions, EquivalentFiltersFold) {
    // "+/#" matches exactly what "#" does.
    const SubscriptionPlan plan = plan_subscriptions({{"+/#", 1}, {"#", 0}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"#", 1}}));
    EXPECT_TRUE(plan.overlaps.empty());
}

TEST(PlanSubscriptions, ChainsOfCoversEndOnTheWidest) {
    // a/b/c under a/b/# under a/#: whatever the order, the widest remains
    // with the highest QoS.
    const Specs orders[] = {
        {{"a/b/c", 2}, {"a/b/#", 1}, {"a/#", 0}},
        {{"a/#", 0}, {"a/b/#", 1}, {"a/b/c", 2}},
        {{"a/b/#", 1}, {"a/b/c", 2}, {"a/#", 0}},
        {{"a/b/c", 2}, {"a/#", 0}, {"a/b/#", 1}},
    };
    for (const Specs& specs : orders) {
        const SubscriptionPlan plan = plan_subscriptions(specs);
        EXPECT_EQ(plan.subscriptions, (Specs{{"a/#", 2}})) << ::testing::PrintToString(specs);
        EXPECT_TRUE(plan.overlaps.empty());
    }
}

TEST(PlanSubscriptions, IdenticalDuplicatesCollapse) {
    SubscriptionPlan plan = plan_subscriptions({{"x/y", 1}, {"x/y", 0}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"x/y", 1}}));
    EXPECT_TRUE(plan.overlaps.empty());

    plan = plan_subscriptions({{"x/+", 0}, {"x/+", 2}, {"x/+", 1}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"x/+", 2}}));
    EXPECT_TRUE(plan.overlaps.empty());
}

TEST(PlanSubscriptions, PartialOverlapsAreReportedAsPairs) {
    const SubscriptionPlan plan =
        plan_subscriptions({{"a/+/c", 0}, {"a/b/+", 1}, {"q", 0}, {"+/b/c", 2}});
    // Nothing covers anything: all kept, in order.
    EXPECT_EQ(plan.subscriptions, (Specs{{"a/+/c", 0}, {"a/b/+", 1}, {"q", 0}, {"+/b/c", 2}}));
    EXPECT_EQ(plan.overlaps, (Pairs{{"a/+/c", "a/b/+"}, {"a/+/c", "+/b/c"}, {"a/b/+", "+/b/c"}}));
}

TEST(PlanSubscriptions, DroppedFiltersAreNotReported) {
    const SubscriptionPlan plan = plan_subscriptions({{"a/+/c", 0}, {"a/b/c", 0}, {"a/b/+", 0}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"a/+/c", 0}, {"a/b/+", 0}}));
    EXPECT_EQ(plan.overlaps, (Pairs{{"a/+/c", "a/b/+"}}));
}

TEST(PlanSubscriptions, SharedSubscriptionsAreNeverDropped) {
    const SubscriptionPlan plan = plan_subscriptions({{"$share/g/a/b", 0},
                                                      {"a/#", 1},
                                                      {"$share/g/a/b", 2},
                                                      {"$share/h/#", 0},
                                                      {"a/c", 0},
                                                      {"$share/g/a/+", 1}});
    // a/c folds into a/#; every $share spec stays as given, even duplicates,
    // and nothing is folded into a shared one.
    EXPECT_EQ(plan.subscriptions, (Specs{{"$share/g/a/b", 0},
                                         {"a/#", 1},
                                         {"$share/g/a/b", 2},
                                         {"$share/h/#", 0},
                                         {"$share/g/a/+", 1}}));
}

TEST(PlanSubscriptions, SharedCoverDoesNotSwallowAPlainFilterButIsReported) {
    const SubscriptionPlan plan = plan_subscriptions({{"$share/g/#", 2}, {"x", 0}});
    EXPECT_EQ(plan.subscriptions, (Specs{{"$share/g/#", 2}, {"x", 0}}));
    EXPECT_EQ(plan.overlaps, (Pairs{{"$share/g/#", "x"}}));
}

TEST(PlanSubscriptions, SharedFiltersAreComparedWithoutTheirGroup) {
    EXPECT_EQ(plan_subscriptions({{"a/+", 0}, {"$share/g/a/b", 0}}).overlaps,
              (Pairs{{"a/+", "$share/g/a/b"}}));
    EXPECT_EQ(plan_subscriptions({{"$share/g/a/#", 0}, {"$share/h/a/b/c", 0}}).overlaps,
              (Pairs{{"$share/g/a/#", "$share/h/a/b/c"}}));
    // "g" is a group name here, not a topic level: nothing overlaps.
    EXPECT_TRUE(plan_subscriptions({{"$share/g/a/#", 0}, {"g/a/b", 0}}).overlaps.empty());
    EXPECT_TRUE(plan_subscriptions({{"$share/g/a/#", 0}, {"b/#", 0}}).overlaps.empty());
}

TEST(PlanSubscriptions, OrderOfRemainingSpecsIsPreserved) {
    const SubscriptionPlan plan = plan_subscriptions(
        {{"k", 0}, {"a/b", 0}, {"z/#", 0}, {"a/+", 0}, {"z/1", 1}, {"b", 0}, {"$share/g/c", 0}});
    EXPECT_EQ(plan.subscriptions,
              (Specs{{"k", 0}, {"z/#", 1}, {"a/+", 0}, {"b", 0}, {"$share/g/c", 0}}));
    EXPECT_TRUE(plan.overlaps.empty());
}

}  // namespace
}  // namespace mqttws
