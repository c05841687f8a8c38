// Where a client's credential is found, and the Origin allow-list.
#include "mqttws/credential.hpp"

#include <gtest/gtest.h>

#include "mqttws/ws_target.hpp"

namespace mqttws {
namespace {

TEST(Credential, BearerHeader) {
    EXPECT_EQ(bearer_from_authorization("Bearer abc.def"), "abc.def");
    EXPECT_EQ(bearer_from_authorization("bearer  abc "), "abc");
    EXPECT_EQ(bearer_from_authorization("Basic abc"), std::nullopt);
    EXPECT_EQ(bearer_from_authorization("Bearer"), std::nullopt);
    EXPECT_EQ(bearer_from_authorization("Bearer "), std::nullopt);
    EXPECT_EQ(bearer_from_authorization("Bearerabc"), std::nullopt);
    EXPECT_EQ(bearer_from_authorization(""), std::nullopt);
}

TEST(Credential, AccessTokenQueryParameter) {
    EXPECT_EQ(access_token_from_target("/ws?access_token=t0k"), "t0k");
    EXPECT_EQ(access_token_from_target("/ws/a?topic=x&access_token=a%2Bb"), "a+b");
    EXPECT_EQ(access_token_from_target("/ws?topic=access_token"), std::nullopt);
    EXPECT_EQ(access_token_from_target("/ws?access_token="), std::nullopt);
    EXPECT_EQ(access_token_from_target("/ws?access_token=%zz"), std::nullopt);
    EXPECT_EQ(access_token_from_target("/ws"), std::nullopt);
}

TEST(Credential, AccessTokenIsNotATopicFilter) {
    const WsTargetResult target = parse_ws_target("/ws?topic=a&access_token=%23secret", "/ws");
    ASSERT_EQ(target.status, WsTargetStatus::ok) << target.reason;
    EXPECT_EQ(target.target.filters, std::vector<std::string>{"a"});
}

TEST(Credential, BearerSubprotocol) {
    EXPECT_EQ(bearer_from_subprotocols({"mqtt-ws-bridge.v1", "bearer.abc"}), "abc");
    EXPECT_EQ(bearer_from_subprotocols({"mqtt-ws-bridge.v1"}), std::nullopt);
    EXPECT_EQ(bearer_from_subprotocols({"bearer."}), std::nullopt);
    EXPECT_TRUE(is_bearer_subprotocol("bearer.x"));
    EXPECT_FALSE(is_bearer_subprotocol("mqtt-ws-bridge.v1"));
}

TEST(Credential, HeaderThenQueryThenSubprotocol) {
    EXPECT_EQ(find_credential("Bearer h", "/ws?access_token=q", {"bearer.s"}), "h");
    EXPECT_EQ(find_credential("", "/ws?access_token=q", {"bearer.s"}), "q");
    EXPECT_EQ(find_credential("", "/ws", {"bearer.s"}), "s");
    EXPECT_EQ(find_credential("", "/ws", {}), std::nullopt);
}

TEST(Origin, AllowList) {
    const std::vector<std::string> allowed{"https://app.example.com", "http://localhost:3000"};
    EXPECT_TRUE(origin_allowed("https://app.example.com", allowed));
    EXPECT_TRUE(origin_allowed("HTTPS://APP.example.com", allowed));
    EXPECT_TRUE(origin_allowed("http://localhost:3000", allowed));
    EXPECT_FALSE(origin_allowed("https://evil.example.com", allowed));
    EXPECT_FALSE(origin_allowed("https://app.example.com.evil.net", allowed));
    EXPECT_FALSE(origin_allowed("null", allowed));
    EXPECT_TRUE(origin_allowed("", allowed)) << "no Origin: not a browser";
    EXPECT_TRUE(origin_allowed("https://anything", {}));
}

}  // namespace
}  // namespace mqttws
