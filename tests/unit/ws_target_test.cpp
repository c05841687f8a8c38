// The WebSocket request target: a filter in the path after --ws-path and
// repeatable ?topic= parameters.
#include "mqttws/ws_target.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mqttws {
namespace {

using namespace std::string_literals;
using Filters = std::vector<std::string>;

Filters filters(std::string_view resource, std::string_view ws_path = "/ws") {
    const WsTargetResult r = parse_ws_target(resource, ws_path);
    EXPECT_EQ(r.status, WsTargetStatus::ok) << resource << ": " << r.reason;
    EXPECT_TRUE(r.reason.empty()) << resource;
    return r.target.filters;
}

WsTargetResult refused(std::string_view resource, WsTargetStatus status,
                       std::string_view ws_path = "/ws") {
    const WsTargetResult r = parse_ws_target(resource, ws_path);
    EXPECT_EQ(r.status, status) << resource;
    EXPECT_FALSE(r.reason.empty()) << resource;
    EXPECT_TRUE(r.target.filters.empty()) << resource;
    return r;
}

TEST(PercentDecode, DecodesEscapes) {
    std::string out;
    ASSERT_TRUE(percent_decode("sensors/%23", out));
    EXPECT_EQ(out, "sensors/#");
    ASSERT_TRUE(percent_decode("%2b%2B%2f%2F%20%25", out));
    EXPECT_EQ(out, "++// %");
    ASSERT_TRUE(percent_decode("caf%C3%A9", out));
    EXPECT_EQ(out, "caf\xc3\xa9");
    ASSERT_TRUE(percent_decode("%00", out));
    EXPECT_EQ(out, "\0"s);
    ASSERT_TRUE(percent_decode("", out));
    EXPECT_EQ(out, "");
}

TEST(PercentDecode, PlusStaysPlus) {
    std::string out;
    ASSERT_TRUE(percent_decode("a/+/c", out));
    EXPECT_EQ(out, "a/+/c");
    ASSERT_TRUE(percent_decode("+", out));
    EXPECT_EQ(out, "+");
}

TEST(PercentDecode, ReplacesPreviousOutput) {
    std::string out = "old";
    ASSERT_TRUE(percent_decode("new", out));
    EXPECT_EQ(out, "new");
}

TEST(PercentDecode, MalformedEscapes) {
    std::string out;
    for (const char* in :
         {"%", "%2", "a%", "a%2", "%zz", "%2g", "%g2", "%%", "%-1", "% 1", "ok%2"}) {
        EXPECT_FALSE(percent_decode(in, out)) << in;
    }
}

TEST(WsTarget, BarePathHasNoFilters) {
    EXPECT_TRUE(filters("/ws").empty());
    EXPECT_TRUE(filters("/ws?").empty());
    EXPECT_TRUE(filters("/ws?other=1&x").empty());
}

TEST(WsTarget, PathFilter) {
    EXPECT_EQ(filters("/ws/a/+/c"), Filters{"a/+/c"});
    EXPECT_EQ(filters("/ws/sensors/%23"), Filters{"sensors/#"});
    EXPECT_EQ(filters("/ws/%23"), Filters{"#"});
    EXPECT_EQ(filters("/ws/+"), Filters{"+"});
    EXPECT_EQ(filters("/ws/a"), Filters{"a"});
    EXPECT_EQ(filters("/ws/%24SYS/%23"), Filters{"$SYS/#"});
    EXPECT_EQ(filters("/ws/caf%C3%A9"), Filters{"caf\xc3\xa9"});
    EXPECT_EQ(filters("/ws/a%20b"), Filters{"a b"});
    // Everything after the one separating slash is the filter, empty levels included.
    EXPECT_EQ(filters("/ws//x"), Filters{"/x"});
    EXPECT_EQ(filters("/ws/a/"), Filters{"a/"});
    EXPECT_EQ(filters("/ws/a%2Fb"), Filters{"a/b"});
}

TEST(WsTarget, QueryTopics) {
    EXPECT_EQ(filters("/ws?topic=a/%23&topic=b"), (Filters{"a/#", "b"}));
    EXPECT_EQ(filters("/ws?topic=sensors/%23&topic=alerts"), (Filters{"sensors/#", "alerts"}));
    EXPECT_EQ(filters("/ws?topic=a/+/c"), Filters{"a/+/c"});  // '+' is not a space
    EXPECT_EQ(filters("/ws?topic=a%2Fb"), Filters{"a/b"});
    // Other parameters are ignored, wherever they are.
    EXPECT_EQ(filters("/ws?x=1&topic=a&token=abc&topic=b&"), (Filters{"a", "b"}));
    EXPECT_EQ(filters("/ws?topics=a&topic=b&xtopic=c"), Filters{"b"});
    EXPECT_EQ(filters("/ws?&&topic=a&&"), Filters{"a"});
    // '=' inside the value is part of it.
    EXPECT_EQ(filters("/ws?topic=a=b"), Filters{"a=b"});
}

TEST(WsTarget, DuplicatesRemovedInOrder) {
    EXPECT_EQ(filters("/ws?topic=a&topic=b&topic=a"), (Filters{"a", "b"}));
    EXPECT_EQ(filters("/ws?topic=a&topic=%61"), Filters{"a"});  // equal after decoding
    EXPECT_EQ(filters("/ws/a?topic=a"), Filters{"a"});
}

TEST(WsTarget, PathAndQueryCombinedInOrder) {
    EXPECT_EQ(filters("/ws/a/+?topic=b/%23&topic=c"), (Filters{"a/+", "b/#", "c"}));
}

TEST(WsTarget, OtherPathsAreNotFound) {
    for (const char* resource : {"/wsx", "/wsx/a", "/other", "/", "", "/w", "/WS", "/ws2?topic=a",
                                 "/other/ws/a", "ws", "/ws%2Fa"}) {
        refused(resource, WsTargetStatus::not_found);
    }
}

// Decision (documented here): "/ws/" names an empty filter, which is no
// endpoint at all, so it is 404 Not Found rather than 400.
TEST(WsTarget, TrailingSlashAloneIsNotFound) {
    refused("/ws/", WsTargetStatus::not_found);
    refused("/ws/?topic=a", WsTargetStatus::not_found);
}

TEST(WsTarget, BadPercentEncodingIsBadRequest) {
    refused("/ws/a%2", WsTargetStatus::bad_request);
    refused("/ws/%zz", WsTargetStatus::bad_request);
    refused("/ws?topic=a%", WsTargetStatus::bad_request);
    refused("/ws?topic=ok&topic=%G0", WsTargetStatus::bad_request);
    refused("/ws/ok?topic=%2", WsTargetStatus::bad_request);
}

TEST(WsTarget, InvalidFilterIsBadRequestNamingTheFilter) {
    struct Case {
        const char* resource;
        const char* filter;
    };
    for (const Case& c : {Case{"/ws/a%23", "a#"},
                          {"/ws/a/%23/b", "a/#/b"},
                          {"/ws/a+", "a+"},
                          {"/ws/+a", "+a"},
                          {"/ws?topic=a/%23/b", "a/#/b"},
                          {"/ws?topic=ok&topic=x+", "x+"},
                          {"/ws/ok?topic=%23a", "#a"}}) {
        const WsTargetResult r = refused(c.resource, WsTargetStatus::bad_request);
        EXPECT_NE(r.reason.find(std::string("'") + c.filter + "'"), std::string::npos)
            << c.resource << ": " << r.reason;
    }
    EXPECT_EQ(parse_ws_target("/ws/a/+?topic=b%23", "/ws").status, WsTargetStatus::bad_request);
}

TEST(WsTarget, EmptyNullAndInvalidUtf8FiltersAreBadRequest) {
    refused("/ws?topic=", WsTargetStatus::bad_request);
    refused("/ws?topic", WsTargetStatus::bad_request);
    refused("/ws/a%00b", WsTargetStatus::bad_request);
    refused("/ws?topic=%FF", WsTargetStatus::bad_request);
    refused("/ws/%C3", WsTargetStatus::bad_request);
}

TEST(WsTarget, OtherWsPath) {
    EXPECT_EQ(filters("/bridge/v1/a/%23", "/bridge/v1"), Filters{"a/#"});
    EXPECT_TRUE(filters("/bridge/v1?x=1", "/bridge/v1").empty());
    refused("/ws/a", WsTargetStatus::not_found, "/bridge/v1");
    refused("/bridge/v10", WsTargetStatus::not_found, "/bridge/v1");
}

}  // namespace
}  // namespace mqttws
