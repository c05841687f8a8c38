// SIGTERM / SIGINT: every client gets close code 1001 (going away) and the process exits 0.

#include <sys/wait.h>

#include <csignal>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"

namespace mwb::it {
namespace {

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

}  // namespace
}  // namespace mwb::it
