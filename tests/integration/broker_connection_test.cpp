// The broker side: the bridge keeps serving WebSocket clients while the broker is away, and
// subscribes again once it is back.

#include <string>

#include "harness/bridge_test.hpp"

namespace mwb::it {
namespace {

class BrokerConnectionTest : public BridgeTest {
  protected:
    // Paho's reconnect back-off decides how soon the bridge is back; bound it generously.
    static constexpr std::chrono::seconds kReconnect{60};
};

TEST_F(BrokerConnectionTest, ResubscribesAfterTheBrokerRestarts) {
    start();
    WsConnection& client = connect("/ws/r/%23");
    publisher().publish("r/1", "before");
    ASSERT_TRUE(ReceivesTexts(client, {"before"}));

    broker().kill_hard();
    const Deadline noticed(kReconnect);
    EXPECT_TRUE(noticed.poll_until([&] { return bridge().healthz().status == 503; },
                                   std::chrono::milliseconds(100)))
        << "GET /healthz answers 503 while the broker is down; last: "
        << bridge().healthz().describe();

    broker().restart();
    ASSERT_TRUE(bridge().wait_healthy(kReconnect)) << bridge().healthz().describe();
    start_publisher();  // the old publisher's connection died with the broker
    publisher().publish("r/2", "after");
    EXPECT_TRUE(ReceivesTexts(client, {"before", "after"}));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
}

TEST_F(BrokerConnectionTest, ServesWebSocketClientsWhileTheBrokerIsDown) {
    start_broker();
    broker().kill_hard();  // restarted on the same port below
    start_bridge({}, BridgeProcess::WaitFor::listening);
    HttpResponse health = bridge().healthz();
    EXPECT_EQ(health.status, 503) << health.describe();

    WsConnection& client = connect("/ws/d/%23");
    broker().restart();
    ASSERT_TRUE(bridge().wait_healthy(kReconnect)) << bridge().healthz().describe();
    start_publisher();
    publisher().publish("d/1", "broker is up");
    EXPECT_TRUE(ReceivesTexts(client, {"broker is up"}));
}

}  // namespace
}  // namespace mwb::it
