// SIGTERM / SIGINT: the instance drains. Every client gets close code 1001 (going away) with a
// reason telling it to reconnect, a handshake arriving meanwhile gets 503, and the process exits 0.

#include <sys/wait.h>

#include <csignal>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {
namespace {

constexpr const char* kDrainReason = "server draining: reconnect";

class ShutdownTest : public BridgeTest, public ::testing::WithParamInterface<int> {};

TEST_P(ShutdownTest, ClosesEveryClientWith1001AndExitsZero) {
    start({"--threads", "2"});
    std::vector<WsConnection*> connections{
        &connect("/ws/%23"), &connect("/ws"), &connect("/ws?topic=x/%23"),
        &connect("/ws/a/+", std::string(kProtocol)), &connect("/ws/%23")};
    // Traffic before the signal, so the shutdown happens on live connections.
    publisher().publish("x/1", "hello");
    ASSERT_TRUE(connections[0]->wait_for_messages(1, kDelivery)) << connections[0]->describe();

    bridge().send_signal(GetParam());

    const Deadline closed(std::chrono::seconds(15));
    for (auto* c : connections) {
        ASSERT_TRUE(c->wait_closed(closed)) << c->describe();
        EXPECT_EQ(c->remote_close_code(), 1001) << c->describe();
        EXPECT_EQ(c->remote_close_reason(), kDrainReason) << c->describe();
    }
    // "Within a few seconds": a bound on the wait, generous for a loaded machine.
    const std::optional<int> status = bridge().wait_exit(std::chrono::seconds(15));
    ASSERT_TRUE(status.has_value()) << "the bridge is still running after the signal";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << ChildProcess::describe_wait_status(*status);
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                             return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

class DrainTest : public BridgeTest {};

TEST_F(DrainTest, HandshakeArrivingDuringTheDrainGets503) {
    // One delivery thread: one listening socket, whose accept queue is first in, first out.
    start({"--threads", "1", "--shutdown-timeout", "20s"});
    // A client that never answers the close keeps the instance draining.
    RawWsSocket lingering(bridge().port());
    ASSERT_EQ(lingering.handshake("/ws").status, 101);
    WsConnection& polite = connect("/ws");
    // Connected but not yet asking: once a later request is answered, the bridge has accepted it.
    RawWsSocket late(bridge().port());
    ASSERT_EQ(bridge().healthz().status, 200);

    bridge().send_signal(SIGTERM);
    ASSERT_TRUE(polite.wait_closed(kDelivery)) << polite.describe();
    EXPECT_EQ(polite.remote_close_code(), 1001) << polite.describe();
    EXPECT_EQ(polite.remote_close_reason(), kDrainReason) << polite.describe();

    const HttpResponse refused = late.handshake("/ws");
    EXPECT_EQ(refused.status, 503) << refused.describe();
    EXPECT_EQ(refused.body, std::string(kDrainReason) + "\n") << refused.describe();
    // The lingering client still gets its close frame with the reason.
    const std::optional<RawFrame> close = lingering.read_frame(kDelivery);
    ASSERT_TRUE(close.has_value());
    EXPECT_EQ(close->opcode, RawFrame::kClose) << close->describe();
    EXPECT_EQ(close->close_code(), 1001) << close->describe();
    EXPECT_EQ(close->close_reason(), kDrainReason) << close->describe();
}

TEST_F(DrainTest, RepeatedSigtermsStillEndInACleanExit) {
    // Supervisors repeat SIGTERM while a process drains; a repeat must never
    // turn the clean exit into death by signal, wherever in the shutdown it lands.
    start({"--threads", "2"});
    WsConnection& client = connect("/ws");
    bridge().send_signal(SIGTERM);
    // As fast as signals go, so one lands in every phase of the shutdown.
    const Deadline repeating(std::chrono::seconds(15));
    for (int repeat = 0; repeat < 1000000 && bridge().running() && !repeating.expired(); ++repeat) {
        bridge().send_signal(SIGTERM);
    }
    const std::optional<int> status = bridge().wait_exit(Deadline(std::chrono::seconds(15)));
    ASSERT_TRUE(status.has_value()) << "the bridge is still running after the signals";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << ChildProcess::describe_wait_status(*status);
    EXPECT_TRUE(client.wait_closed(kDelivery)) << client.describe();
}

}  // namespace
}  // namespace mwb::it
