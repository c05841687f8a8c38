// What the bridge refuses at the HTTP level: invalid filters (400 with a reason), unknown paths
// (404); and what it answers on /healthz.

#include <string>

#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/json_text.hpp"

namespace mwb::it {
namespace {

class RefusalTest : public BridgeTest {};

HttpResponse upgrade(BridgeProcess& bridge, const std::string& target) {
    return HttpClient::get(bridge.port(), target, HttpClient::websocket_upgrade_headers());
}

TEST_F(RefusalTest, InvalidFilterInQueryIsRefusedWith400AndAReason) {
    start();
    HttpResponse response = upgrade(bridge(), "/ws?topic=a/%23/b");
    EXPECT_EQ(response.status, 400) << response.describe();
    EXPECT_FALSE(response.body.empty()) << "the reason is in the body: " << response.describe();

    // A real WebSocket client sees the same refusal.
    WsConnection& client = clients().connect(bridge().ws_uri("/ws?topic=a/%23/b"));
    EXPECT_FALSE(client.wait_open(kDelivery));
    EXPECT_EQ(client.state(), WsConnection::State::failed) << client.describe();
    EXPECT_EQ(client.response_code(), 400) << client.describe();
}

TEST_F(RefusalTest, InvalidFiltersInPathAreRefusedWith400) {
    start();
    for (const std::string target : {"/ws/a/%23/b", "/ws/a/b%23", "/ws/a+/b",
                                     "/ws?topic=x&topic=y/%23/z", "/ws/ok?topic=sp%2Bort"}) {
        HttpResponse response = upgrade(bridge(), target);
        EXPECT_EQ(response.status, 400) << target << ": " << response.describe();
        EXPECT_FALSE(response.body.empty()) << target << ": " << response.describe();
    }
}

TEST_F(RefusalTest, UnknownPathIs404) {
    start();
    HttpResponse plain = HttpClient::get(bridge().port(), "/nope");
    EXPECT_EQ(plain.status, 404) << plain.describe();
    HttpResponse websocket = upgrade(bridge(), "/nope");
    EXPECT_EQ(websocket.status, 404) << websocket.describe();
    // A path that merely starts with the WebSocket path is not under it.
    HttpResponse prefix = upgrade(bridge(), "/wsx/a");
    EXPECT_EQ(prefix.status, 404) << prefix.describe();

    WsConnection& client = clients().connect(bridge().ws_uri("/nope"));
    EXPECT_FALSE(client.wait_open(kDelivery));
    EXPECT_EQ(client.response_code(), 404) << client.describe();
}

TEST_F(RefusalTest, HealthzReportsConnectedBroker) {
    start();
    HttpResponse response = bridge().healthz();
    ASSERT_EQ(response.status, 200) << response.describe();
    rapidjson::Document body = JsonText::parse(response.body);
    EXPECT_EQ(JsonText::string_member(body, "status"), "ok") << response.body;
    EXPECT_EQ(JsonText::string_member(body, "mqtt"), "connected") << response.body;
}

TEST_F(RefusalTest, CustomWsPathIsHonoured) {
    start({"--ws-path", "/stream"});
    WsConnection& client = connect("/stream/c/%23");
    publisher().publish("c/d", "custom path");
    EXPECT_TRUE(ReceivesTexts(client, {"custom path"}));
    HttpResponse old_path = upgrade(bridge(), "/ws/c/%23");
    EXPECT_EQ(old_path.status, 404) << old_path.describe();
}

}  // namespace
}  // namespace mwb::it
