// Router: targeted delivery by session, topic delivery through the index,
// per-client subscription limits and wire forms.
#include "mqttws/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mqttws {
namespace {

Message on(std::string topic) {
    Message msg;
    msg.mqtt_topic = topic;
    msg.topic = std::move(topic);
    return msg;
}

Message targeted(std::string topic, std::string session) {
    Message msg = on(std::move(topic));
    msg.target_session = std::move(session);
    return msg;
}

std::vector<ClientId> clients(const std::vector<Recipient>& recipients) {
    std::vector<ClientId> out;
    for (const auto& r : recipients) out.push_back(r.client);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<ClientId> route(Router& router, const Message& msg) {
    std::vector<Recipient> out;
    EXPECT_EQ(router.route(msg, out), RouteResult::delivered);
    return clients(out);
}

TEST(Router, DeliversToMatchingSubscribersOnly) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.add_client(2, "s2", WireForm::payload);
    router.add_client(3, "s3", WireForm::payload);
    ASSERT_EQ(router.subscribe(1, {"a/#"}), SubscribeResult::ok);
    ASSERT_EQ(router.subscribe(2, {"a/b"}), SubscribeResult::ok);
    EXPECT_EQ(route(router, on("a/b")), (std::vector<ClientId>{1, 2}));
    EXPECT_EQ(route(router, on("a/c")), (std::vector<ClientId>{1}));
    EXPECT_TRUE(route(router, on("b")).empty());
    EXPECT_EQ(router.client_count(), 3u);
    EXPECT_EQ(router.subscription_count(), 2u);
}

TEST(Router, RoutesByMsgTopicNotMqttTopic) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.subscribe(1, {"x"});
    Message msg = on("x");
    msg.mqtt_topic = "prefix/x";  // --strip-prefix removed "prefix/"
    EXPECT_EQ(route(router, msg), (std::vector<ClientId>{1}));
}

TEST(Router, EachRecipientAtMostOnce) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    ASSERT_EQ(router.subscribe(1, {"#", "a/#", "a/+", "+/b", "a/b"}), SubscribeResult::ok);
    std::vector<Recipient> out;
    router.route(on("a/b"), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].client, 1u);
}

TEST(Router, TargetedMessageGoesToThatSessionOnly) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.add_client(2, "s2", WireForm::envelope);
    router.add_client(3, "s3", WireForm::msg_json);
    router.subscribe(1, {"#"});
    router.subscribe(3, {"#"});
    // Client 2 has no subscription at all, and still gets it.
    std::vector<Recipient> out;
    EXPECT_EQ(router.route(targeted("a/b", "s2"), out), RouteResult::delivered);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].client, 2u);
    EXPECT_EQ(out[0].form, WireForm::envelope);
}

TEST(Router, UnknownSessionDropsTheMessage) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.subscribe(1, {"#"});
    std::vector<Recipient> out{{99, WireForm::payload}};
    EXPECT_EQ(router.route(targeted("a", "nobody"), out), RouteResult::unknown_session);
    EXPECT_TRUE(out.empty());
    // Not delivered to topic subscribers either.
    EXPECT_EQ(router.route(targeted("a", ""), out), RouteResult::unknown_session);
    EXPECT_TRUE(out.empty());
}

TEST(Router, RemoveClientCleansUp) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.add_client(2, "s2", WireForm::payload);
    router.subscribe(1, {"a", "b/#", "+"});
    router.subscribe(2, {"a"});
    EXPECT_EQ(router.subscription_count(), 4u);
    router.remove_client(1);
    EXPECT_FALSE(router.has_client(1));
    EXPECT_TRUE(router.has_client(2));
    EXPECT_EQ(router.client_count(), 1u);
    EXPECT_EQ(router.subscription_count(), 1u);
    EXPECT_TRUE(router.filters_of(1).empty());
    EXPECT_EQ(route(router, on("a")), (std::vector<ClientId>{2}));
    EXPECT_TRUE(route(router, on("b/c")).empty());
    std::vector<Recipient> out;
    EXPECT_EQ(router.route(targeted("a", "s1"), out), RouteResult::unknown_session);
    EXPECT_TRUE(out.empty());
    // Removing twice or removing a stranger is harmless.
    router.remove_client(1);
    router.remove_client(12345);
    EXPECT_EQ(router.client_count(), 1u);
    router.remove_client(2);
    EXPECT_EQ(router.client_count(), 0u);
    EXPECT_EQ(router.subscription_count(), 0u);
    EXPECT_TRUE(route(router, on("a")).empty());
}

TEST(Router, SessionIdCanBeReusedAfterRemoval) {
    Router router(10);
    router.add_client(1, "s", WireForm::payload);
    router.remove_client(1);
    router.add_client(2, "s", WireForm::msg_json);
    std::vector<Recipient> out;
    EXPECT_EQ(router.route(targeted("a", "s"), out), RouteResult::delivered);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].client, 2u);
    EXPECT_EQ(out[0].form, WireForm::msg_json);
}

TEST(Router, SubscriptionLimitIsAllOrNothing) {
    Router router(3);
    router.add_client(1, "s1", WireForm::payload);
    ASSERT_EQ(router.subscribe(1, {"a", "b"}), SubscribeResult::ok);
    // Two new ones would make four: nothing of the request is added.
    EXPECT_EQ(router.subscribe(1, {"c", "d"}), SubscribeResult::too_many_subscriptions);
    EXPECT_EQ(sorted(router.filters_of(1)), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(router.subscription_count(), 2u);
    EXPECT_TRUE(route(router, on("c")).empty());
    // Filters it already has are not counted twice.
    EXPECT_EQ(router.subscribe(1, {"a", "b", "c"}), SubscribeResult::ok);
    EXPECT_EQ(sorted(router.filters_of(1)), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(router.subscribe(1, {"a"}), SubscribeResult::ok);
    EXPECT_EQ(router.subscribe(1, {"d"}), SubscribeResult::too_many_subscriptions);
    EXPECT_EQ(router.subscription_count(), 3u);
    // Unsubscribing frees room.
    router.unsubscribe(1, {"a"});
    EXPECT_EQ(router.subscribe(1, {"d"}), SubscribeResult::ok);
    EXPECT_EQ(sorted(router.filters_of(1)), (std::vector<std::string>{"b", "c", "d"}));
}

TEST(Router, DuplicatesWithinOneRequestCountOnce) {
    Router router(2);
    router.add_client(1, "s1", WireForm::payload);
    EXPECT_EQ(router.subscribe(1, {"a", "a", "a"}), SubscribeResult::ok);
    EXPECT_EQ(router.subscribe(1, {"b", "b"}), SubscribeResult::ok);
    EXPECT_EQ(sorted(router.filters_of(1)), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(router.subscribe(1, {"c", "c"}), SubscribeResult::too_many_subscriptions);
    EXPECT_EQ(router.subscription_count(), 2u);
}

TEST(Router, CanSubscribeAnswersWithoutChangingAnything) {
    Router router(2);
    router.add_client(1, "s1", WireForm::payload);
    EXPECT_TRUE(router.can_subscribe(1, {"a", "b"}));
    EXPECT_TRUE(router.can_subscribe(1, {"a", "a", "b", "b"}));
    EXPECT_FALSE(router.can_subscribe(1, {"a", "b", "c"}));
    EXPECT_EQ(router.subscription_count(), 0u);
    EXPECT_TRUE(router.filters_of(1).empty());
    ASSERT_EQ(router.subscribe(1, {"a"}), SubscribeResult::ok);
    EXPECT_TRUE(router.can_subscribe(1, {"a", "b"}));
    EXPECT_FALSE(router.can_subscribe(1, {"b", "c"}));
    // Agrees with subscribe().
    EXPECT_EQ(router.subscribe(1, {"b", "c"}), SubscribeResult::too_many_subscriptions);
    EXPECT_EQ(router.subscribe(1, {"a", "b"}), SubscribeResult::ok);
    EXPECT_FALSE(router.can_subscribe(1, {"c"}));
    EXPECT_TRUE(router.can_subscribe(1, {"a", "b"}));
}

TEST(Router, LimitIsPerClient) {
    Router router(1);
    router.add_client(1, "s1", WireForm::payload);
    router.add_client(2, "s2", WireForm::payload);
    EXPECT_EQ(router.subscribe(1, {"a"}), SubscribeResult::ok);
    EXPECT_EQ(router.subscribe(2, {"a"}), SubscribeResult::ok);
    EXPECT_EQ(router.subscribe(2, {"b"}), SubscribeResult::too_many_subscriptions);
    EXPECT_EQ(route(router, on("a")), (std::vector<ClientId>{1, 2}));
}

TEST(Router, UnsubscribeRemovesOnlyThatClientsFilters) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.add_client(2, "s2", WireForm::payload);
    router.subscribe(1, {"a", "b"});
    router.subscribe(2, {"a"});
    router.unsubscribe(1, {"a", "never-had"});
    EXPECT_EQ(router.filters_of(1), (std::vector<std::string>{"b"}));
    EXPECT_EQ(route(router, on("a")), (std::vector<ClientId>{2}));
    EXPECT_EQ(router.subscription_count(), 2u);
    router.unsubscribe(99, {"a"});  // unknown client: no effect
    EXPECT_EQ(router.subscription_count(), 2u);
}

TEST(Router, WireFormPerClient) {
    Router router(10);
    router.add_client(10, "a", WireForm::payload);
    router.add_client(20, "b", WireForm::msg_json);
    router.add_client(30, "c", WireForm::envelope);
    for (ClientId id : {10, 20, 30}) router.subscribe(id, {"t"});
    std::vector<Recipient> out;
    router.route(on("t"), out);
    ASSERT_EQ(out.size(), 3u);
    std::sort(out.begin(), out.end(),
              [](const Recipient& x, const Recipient& y) { return x.client < y.client; });
    EXPECT_EQ(out[0].form, WireForm::payload);
    EXPECT_EQ(out[1].form, WireForm::msg_json);
    EXPECT_EQ(out[2].form, WireForm::envelope);
}

TEST(Router, RouteReplacesPreviousRecipients) {
    Router router(10);
    router.add_client(1, "s1", WireForm::payload);
    router.subscribe(1, {"a"});
    std::vector<Recipient> out{{5, WireForm::envelope}, {6, WireForm::envelope}};
    router.route(on("a"), out);
    EXPECT_EQ(clients(out), (std::vector<ClientId>{1}));
    router.route(on("b"), out);
    EXPECT_TRUE(out.empty());
}

TEST(Router, SubscribingAnUnknownClientAddsNothing) {
    Router router(10);
    router.subscribe(7, {"a"});
    EXPECT_EQ(router.subscription_count(), 0u);
    EXPECT_TRUE(route(router, on("a")).empty());
}

}  // namespace
}  // namespace mqttws
