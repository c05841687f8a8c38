// Dead clients: a client that vanishes without a close frame — its socket stays open but it
// neither reads nor answers pings — is dropped by the server's heartbeat and its session freed,
// while a live client on the same bridge (websocketpp answers pings) stays connected.

#include <string>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {
namespace {

class HardeningDeadClientTest : public BridgeTest {
  protected:
    ::testing::AssertionResult ClientsReach(double expected, const Deadline& deadline) {
        double last = -1;
        if (BridgeMetrics::wait_until(
                bridge().port(), "mwb_clients", [&](double v) { return v == expected; }, deadline,
                &last)) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << "mwb_clients is " << last << ", expected " << expected;
    }

    // Connects a live client and a vanished one with the given heartbeat, waits until the
    // vanished one is freed, and checks what it had been sent and that the live one is fine.
    void ExpectVanishedClientFreed(const std::vector<std::string>& heartbeat) {
        start(heartbeat);
        WsConnection& alive = connect("/ws/hb/%23");
        RawWsSocket vanished(bridge().port());
        const HttpResponse upgrade = vanished.handshake("/ws/hb/%23");
        ASSERT_EQ(upgrade.status, 101) << upgrade.describe();
        ASSERT_TRUE(ClientsReach(2, kDelivery));

        // From here on the raw client neither reads nor answers. The bound is ping-interval +
        // pong-timeout; the deadline is wide so a loaded machine cannot make this flaky.
        EXPECT_TRUE(ClientsReach(1, std::chrono::seconds(20)))
            << "the vanished client was not freed";

        // What the vanished client had been sent: pings, then the end of the connection.
        int pings = 0;
        const Deadline closed(std::chrono::seconds(10));
        while (std::optional<RawFrame> frame = vanished.read_frame(closed)) {
            if (frame->opcode == RawFrame::kPing) ++pings;
        }
        EXPECT_TRUE(vanished.peer_closed()) << "the server did not drop the TCP connection";
        EXPECT_GE(pings, 1) << "the server never pinged";

        // The live client answered every ping and is still served.
        EXPECT_EQ(alive.state(), WsConnection::State::open) << alive.describe();
        publisher().publish("hb/x", "still alive");
        EXPECT_TRUE(ReceivesTexts(alive, {"still alive"}));
    }
};

TEST_F(HardeningDeadClientTest, VanishedClientIsFreedWithinPingIntervalPlusPongTimeout) {
    ExpectVanishedClientFreed({"--ping-interval", "1s", "--pong-timeout", "1s"});
}

TEST_F(HardeningDeadClientTest, VanishedClientIsFreedWhenThePongTimeoutExceedsThePingInterval) {
    // Pings keep going out while one is unanswered; the unanswered one must still count.
    ExpectVanishedClientFreed({"--ping-interval", "1s", "--pong-timeout", "2s"});
}

}  // namespace
}  // namespace mwb::it
