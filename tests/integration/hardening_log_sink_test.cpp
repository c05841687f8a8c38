// A log reader that stops reading: the bridge's stderr is a pipe nobody drains, so once the
// pipe's buffer is full every write to it would block. Logging must never stall delivery: with
// several hundred clients connecting and leaving (each logs at info), a subscriber still gets
// its messages, the lines the bridge could not write are counted in mwb_log_dropped_total, and
// SIGTERM still ends the process in time (BridgeProcess checks the exit on teardown).

#include <string>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"

namespace mwb::it {
namespace {

constexpr const char* kLogDropped = "mwb_log_dropped_total";
// Clients per round of churn: all connect, then all leave.
constexpr int kRoundSize = 100;
constexpr int kMaxRounds = 60;

class HardeningLogSinkTest : public BridgeTest {
  protected:
    // One round: kRoundSize clients connect, then all leave; two log lines each.
    void churn_round() {
        std::vector<WsConnection*> round;
        for (int i = 0; i < kRoundSize; ++i) {
            round.push_back(&clients().connect(bridge().ws_uri("/ws/churn")));
        }
        const Deadline deadline(kDelivery);
        for (WsConnection* client : round) {
            ASSERT_TRUE(client->wait_open(deadline)) << client->describe();
        }
        for (WsConnection* client : round) client->close();
        for (WsConnection* client : round) {
            ASSERT_TRUE(client->wait_closed(deadline)) << client->describe();
        }
    }
};

TEST_F(HardeningLogSinkTest, UnreadStderrNeitherStopsDeliveryNorShutdown) {
    start_broker();
    BridgeProcess::Options options;
    options.log_level = "info";
    options.child.stderr_to_unread_pipe = true;
    start_bridge({}, BridgeProcess::WaitFor::healthy, options);
    start_publisher();
    WsConnection& subscriber = connect("/ws/blocked/%23");

    // Far more lines than the pipe holds, until the bridge reports that it dropped some.
    double dropped = 0;
    for (int round = 0; round < kMaxRounds && dropped <= 0; ++round) {
        churn_round();
        if (HasFatalFailure()) return;
        dropped = BridgeMetrics::value(bridge().port(), kLogDropped).value_or(-1);
    }
    EXPECT_GT(dropped, 0) << kLogDropped << " after " << kMaxRounds * kRoundSize << " clients";

    publisher().publish("blocked/1", "after the churn");
    EXPECT_TRUE(ReceivesTexts(subscriber, {"after the churn"}));
    churn_round();
    publisher().publish("blocked/2", "still delivered");
    EXPECT_TRUE(ReceivesTexts(subscriber, {"after the churn", "still delivered"}));
}

}  // namespace
}  // namespace mwb::it
