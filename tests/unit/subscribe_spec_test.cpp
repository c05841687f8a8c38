// --subscribe FILTER[@QOS], including shared subscriptions.
#include "mqttws/subscribe_spec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mqttws {
namespace {

SubscribeSpec spec(std::string_view text) {
    auto result = parse_subscribe_spec(text);
    if (auto* reason = std::get_if<std::string>(&result)) {
        ADD_FAILURE() << "refused '" << text << "': " << *reason;
        return {};
    }
    return std::get<SubscribeSpec>(result);
}

std::string refused(std::string_view text) {
    auto result = parse_subscribe_spec(text);
    if (!std::holds_alternative<std::string>(result)) {
        ADD_FAILURE() << "accepted '" << text << "' as '" << std::get<SubscribeSpec>(result).filter
                      << "'";
        return {};
    }
    const std::string reason = std::get<std::string>(result);
    EXPECT_FALSE(reason.empty());
    return reason;
}

TEST(SubscribeSpec, FilterAlone) {
    const SubscribeSpec s = spec("a/b");
    EXPECT_EQ(s.filter, "a/b");
    EXPECT_EQ(s.qos, 0);
    EXPECT_EQ(spec("#").filter, "#");
    EXPECT_EQ(spec("sensors/+/temp").filter, "sensors/+/temp");
}

TEST(SubscribeSpec, WithQos) {
    for (int qos : {0, 1, 2}) {
        const SubscribeSpec s = spec("a/b@" + std::to_string(qos));
        EXPECT_EQ(s.filter, "a/b");
        EXPECT_EQ(s.qos, qos);
    }
    const SubscribeSpec hash = spec("#@2");
    EXPECT_EQ(hash.filter, "#");
    EXPECT_EQ(hash.qos, 2);
}

TEST(SubscribeSpec, BadQosIsRefused) {
    for (const char* text : {"a/b@3", "a/b@9", "#@3"}) {
        const std::string reason = refused(text);
        EXPECT_NE(reason.find("QoS"), std::string::npos) << reason;
        EXPECT_NE(reason.find(text), std::string::npos) << reason;
    }
}

TEST(SubscribeSpec, AtSignInsideTheFilterIsKept) {
    EXPECT_EQ(spec("user@host/x").filter, "user@host/x");
    EXPECT_EQ(spec("user@host/x").qos, 0);
    EXPECT_EQ(spec("user@host/x@1").filter, "user@host/x");
    EXPECT_EQ(spec("user@host/x@1").qos, 1);
    EXPECT_EQ(spec("a@b@2").filter, "a@b");
    EXPECT_EQ(spec("@").filter, "@");
    EXPECT_EQ(spec("a/@/b").filter, "a/@/b");
    // Only '@' followed by one digit is a QoS suffix.
    EXPECT_EQ(spec("mail/user@x").filter, "mail/user@x");
    EXPECT_EQ(spec("mail/user@x").qos, 0);
    EXPECT_EQ(spec("a/b@12").filter, "a/b@12");
    EXPECT_EQ(spec("a/b@").filter, "a/b@");
}

TEST(SubscribeSpec, SharedSubscriptions) {
    SubscribeSpec s = spec("$share/g/a/#@1");
    EXPECT_EQ(s.filter, "$share/g/a/#");
    EXPECT_EQ(s.qos, 1);
    s = spec("$share/workers/sensors/+/temp");
    EXPECT_EQ(s.filter, "$share/workers/sensors/+/temp");
    EXPECT_EQ(s.qos, 0);
    EXPECT_EQ(spec("$share/g/#").filter, "$share/g/#");
}

TEST(SubscribeSpec, MalformedSharedSubscriptions) {
    for (const char* text : {"$share//a", "$share/g", "$share/", "$share/g/", "$share/g+/a",
                             "$share/#/a", "$share/g/a/#/b", "$share/g/a+", "$share//a@1"}) {
        const std::string reason = refused(text);
        EXPECT_NE(reason.find("$share/"), std::string::npos) << text << ": " << reason;
    }
}

TEST(SubscribeSpec, ShareGroupFollowsMqtt5Rules) {
    // Any UTF-8 but '/', '+', '#' and U+0000; at least one character.
    EXPECT_EQ(spec("$share/a-b_c.d e@f$/x").filter, "$share/a-b_c.d e@f$/x");
    EXPECT_EQ(spec("$share/gr\xc3\xbcppe/x").filter, "$share/gr\xc3\xbcppe/x");
    EXPECT_EQ(spec("$share/$share/x").filter, "$share/$share/x");
    for (const std::string& text :
         std::vector<std::string>{std::string("$share/g\0h/x", 12), "$share/\xff/x", "$share/a+/x",
                                  "$share/+/x", "$share/a#/x", "$share//x"}) {
        const std::string reason = refused(text);
        EXPECT_NE(reason.find("$share/"), std::string::npos) << reason;
    }
}

TEST(SubscribeSpec, SharedFilterPartIsValidatedLikeAnyFilter) {
    // The broker delivers with the real topic, so the part after the group
    // is what matches: it must be a valid filter on its own.
    EXPECT_EQ(spec("$share/g/+/temp@2").filter, "$share/g/+/temp");
    EXPECT_EQ(strip_share_prefix(spec("$share/g/a/+/c").filter), "a/+/c");
    for (const char* text : {"$share/g/a#", "$share/g/a/#/b", "$share/g/+a", "$share/g/\xff"}) {
        EXPECT_FALSE(refused(text).empty()) << text;
    }
}

TEST(SubscribeSpec, InvalidFiltersRefusedWithReasons) {
    struct Case {
        const char* text;
        const char* mentions;
    };
    for (const Case& c : {Case{"a#", "#"},
                          {"a/#/b", "#"},
                          {"a+", "+"},
                          {"+a", "+"},
                          {"a+@1", "+"},
                          {"", "empty"},
                          {"@1", "empty"}}) {
        const std::string reason = refused(c.text);
        EXPECT_NE(reason.find(c.mentions), std::string::npos) << c.text << ": " << reason;
    }
    EXPECT_NE(refused("a/#/b@1").find("'a/#/b'"), std::string::npos);
    EXPECT_NE(refused(std::string(65536, 'a')).find("65535"), std::string::npos);
    EXPECT_FALSE(refused(std::string("a\0b", 3)).empty());
    EXPECT_FALSE(refused("\xff").empty());
}

TEST(StripSharePrefix, OnlySharedFiltersChange) {
    EXPECT_EQ(strip_share_prefix("$share/g/a/b"), "a/b");
    EXPECT_EQ(strip_share_prefix("$share/group/#"), "#");
    EXPECT_EQ(strip_share_prefix("a/b"), "a/b");
    EXPECT_EQ(strip_share_prefix("$SYS/#"), "$SYS/#");
    EXPECT_EQ(strip_share_prefix("$sharex/g/a"), "$sharex/g/a");
    EXPECT_EQ(strip_share_prefix("$share/g"), "");
}

}  // namespace
}  // namespace mqttws
