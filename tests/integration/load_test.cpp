// Many clients on one bridge: 200 WebSocket clients (all on one client I/O thread) each receive
// 1,000 QoS 0 messages from one publisher, complete and in order.

#include <sstream>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"

namespace mwb::it {
namespace {

class LoadTest : public BridgeTest {};

TEST_F(LoadTest, TwoHundredClientsEachReceiveAThousandMessagesInOrder) {
    constexpr int kClients = 200;
    constexpr int kMessages = 1000;
    start({"--threads", "2"});

    std::vector<WsConnection*> connections;
    for (int i = 0; i < kClients; ++i) {
        connections.push_back(&clients().connect(bridge().ws_uri("/ws?topic=load/%23")));
    }
    const Deadline connected(std::chrono::seconds(60));
    for (auto* c : connections) ASSERT_TRUE(c->wait_open(connected)) << c->describe();

    for (int i = 0; i < kMessages; ++i) {
        publisher().publish("load/seq", "seq-" + std::to_string(i));
    }

    // One generous bound for everything to arrive; a bound on a wait, not a speed assertion.
    const Deadline delivered(std::chrono::seconds(120));
    int incomplete = 0;
    int out_of_order = 0;
    std::ostringstream report;
    for (auto* c : connections) {
        if (!c->wait_for_messages(kMessages, delivered)) {
            if (++incomplete <= 5) report << "incomplete: " << c->describe() << "\n";
            continue;
        }
        const auto frames = c->messages();
        for (int i = 0; i < kMessages; ++i) {
            const std::string expected = "seq-" + std::to_string(i);
            if (frames[static_cast<std::size_t>(i)].binary ||
                frames[static_cast<std::size_t>(i)].payload != expected) {
                if (++out_of_order <= 5) {
                    report << "frame " << i << " is '"
                           << frames[static_cast<std::size_t>(i)].payload << "', expected '"
                           << expected << "' on " << c->describe() << "\n";
                }
                break;
            }
        }
        if (frames.size() != static_cast<std::size_t>(kMessages) && ++out_of_order <= 5) {
            report << frames.size() << " frames instead of " << kMessages << " on " << c->describe()
                   << "\n";
        }
    }
    EXPECT_EQ(incomplete, 0) << report.str();
    EXPECT_EQ(out_of_order, 0) << report.str();
}

}  // namespace
}  // namespace mwb::it
