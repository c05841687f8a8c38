// Shutdown with a client that does not read: SIGTERM still ends the process with exit code 0
// within --shutdown-timeout (plus a margin), and the well-behaved clients get 1001.

#include <sys/wait.h>

#include <csignal>
#include <string>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {
namespace {

class HardeningShutdownTest : public BridgeTest {};

TEST_F(HardeningShutdownTest, SigtermExitsZeroDespiteAClientThatDoesNotRead) {
    // Drop mode keeps the stuck client connected with a full queue, so its close frame can never
    // be written: only --shutdown-timeout ends the wait for it.
    start({"--shutdown-timeout", "2s", "--slow-client", "drop", "--threads", "2"});
    WsConnection& polite = connect("/ws/fill/%23");
    RawWsSocket stuck(bridge().port(), 16 * 1024);
    const HttpResponse upgrade = stuck.handshake("/ws/fill/%23");
    ASSERT_EQ(upgrade.status, 101) << upgrade.describe();

    // Fill the stuck client's socket and its queue at the bridge until messages for it are dropped.
    const std::string payload(10'000, 'f');
    const std::string dropped = R"(mwb_dropped_total{reason="slow_client"})";
    int sent = 0;
    while (BridgeMetrics::value(bridge().port(), dropped).value_or(0) == 0 && sent < 5000) {
        for (int i = 0; i < 50; ++i, ++sent) publisher().publish("fill/x", payload);
        ASSERT_TRUE(polite.wait_for_messages(static_cast<std::size_t>(sent), kDelivery))
            << polite.describe();
    }
    ASSERT_GT(BridgeMetrics::value(bridge().port(), dropped).value_or(0), 0)
        << sent << " messages published and the client never fell behind";

    bridge().send_signal(SIGTERM);
    // The bound is --shutdown-timeout 2s plus the MQTT disconnect; the deadline is generous.
    const std::optional<int> status = bridge().wait_exit(std::chrono::seconds(15));
    ASSERT_TRUE(status.has_value()) << "the bridge is still running 15 s after SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << ChildProcess::describe_wait_status(*status);
    ASSERT_TRUE(polite.wait_closed(kDelivery)) << polite.describe();
    EXPECT_EQ(polite.remote_close_code(), 1001) << polite.describe();
    EXPECT_TRUE(stuck.wait_peer_closed(std::chrono::seconds(15)));
}

}  // namespace
}  // namespace mwb::it
