// Per-client permissions: filters that cover subscriptions, topics that may
// be published, and the {sub} placeholder that must never widen anything.
#include "mqttws/permissions.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mqttws {
namespace {

using namespace std::string_literals;

Permissions expanded(const Permissions& templates, std::string_view subject) {
    auto result = expand_permissions(templates, subject);
    EXPECT_TRUE(std::holds_alternative<Permissions>(result)) << subject;
    return std::holds_alternative<Permissions>(result) ? std::get<Permissions>(result)
                                                       : Permissions{};
}

TEST(Permissions, SubscribeNeedsOneFilterCoveringIt) {
    const Permissions p{{"a/#", "x/+/y"}, {}};
    EXPECT_TRUE(may_subscribe(p, "a/#"));
    EXPECT_TRUE(may_subscribe(p, "a/b/c"));
    EXPECT_TRUE(may_subscribe(p, "a/+"));
    EXPECT_TRUE(may_subscribe(p, "x/1/y"));
    EXPECT_FALSE(may_subscribe(p, "b/#"));
    EXPECT_FALSE(may_subscribe(p, "#"));
    EXPECT_FALSE(may_subscribe(p, "+/b"));  // would reach b/b too
    EXPECT_FALSE(may_subscribe(p, "x/#"));
    EXPECT_FALSE(may_subscribe(Permissions{}, "a"));
}

TEST(Permissions, PublishNeedsAMatchingFilter) {
    const Permissions p{{}, {"app/requests", "app/+/in"}};
    EXPECT_TRUE(may_publish(p, "app/requests"));
    EXPECT_TRUE(may_publish(p, "app/7/in"));
    EXPECT_FALSE(may_publish(p, "app/other"));
    EXPECT_FALSE(may_publish(p, "app/7/in/more"));
}

TEST(Permissions, SubjectExpandsEveryPlaceholder) {
    const Permissions p = expanded({{"sensors/{sub}/#", "{sub}/{sub}"}, {"out/{sub}"}}, "alice");
    EXPECT_EQ(p.subscribe, (std::vector<std::string>{"sensors/alice/#", "alice/alice"}));
    EXPECT_EQ(p.publish, std::vector<std::string>{"out/alice"});
    EXPECT_TRUE(may_subscribe(p, "sensors/alice/temp"));
    EXPECT_FALSE(may_subscribe(p, "sensors/bob/temp"));
}

TEST(Permissions, SubjectThatWouldWidenAFilterIsRefused) {
    const Permissions templates{{"sensors/{sub}/#"}, {}};
    for (const std::string& subject : {"+"s, "#"s, "a/b"s, "x/+"s, "al\0ice"s, ""s, "\xff"s}) {
        const auto result = expand_permissions(templates, subject);
        EXPECT_TRUE(std::holds_alternative<std::string>(result))
            << "subject '" << subject << "' was put into a filter";
    }
}

TEST(Permissions, UnsafeSubjectIsFineWhenNoFilterUsesIt) {
    const Permissions p = expanded({{"a/#"}, {"b"}}, "a/+");
    EXPECT_EQ(p.subscribe, std::vector<std::string>{"a/#"});
}

TEST(Permissions, InvalidFilterIsRefused) {
    EXPECT_TRUE(std::holds_alternative<std::string>(expand_permissions({{"a/#/b"}, {}}, "x")));
    EXPECT_FALSE(check_permission_templates({{"a/#/b"}, {}}).empty());
    EXPECT_TRUE(check_permission_templates({{"s/{sub}/#"}, {"p/{sub}"}}).empty());
}

TEST(Permissions, SafeSubjects) {
    EXPECT_TRUE(is_safe_subject("alice"));
    EXPECT_TRUE(is_safe_subject("user@example.com"));
    EXPECT_TRUE(is_safe_subject("caf\xc3\xa9"));
    EXPECT_FALSE(is_safe_subject("a/b"));
    EXPECT_FALSE(is_safe_subject("+"));
    EXPECT_FALSE(is_safe_subject("#"));
    EXPECT_FALSE(is_safe_subject(std::string_view("a\0b", 3)));
    EXPECT_FALSE(is_safe_subject(""));
}

}  // namespace
}  // namespace mqttws
