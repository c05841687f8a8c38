// --status-topic: a retained "online" once the bridge is connected and subscribed; "offline"
// when it shuts down cleanly (published by the bridge) and when it vanishes (the broker
// publishes the MQTT will as soon as the bridge's TCP connection drops).

#include <sys/wait.h>

#include <csignal>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/mqtt_subscriber.hpp"

namespace mwb::it {
namespace {

class HardeningStatusTopicTest : public BridgeTest {
  protected:
    static constexpr const char* kStatusTopic = "bridges/it/status";

    static std::vector<std::string> status_args() { return {"--status-topic", kStatusTopic}; }

    // The next message on `subscriber` is `payload` on the status topic (and retained, when
    // `retained` says so).
    static ::testing::AssertionResult Receives(MqttSubscriber& subscriber,
                                               const std::string& payload,
                                               std::optional<bool> retained = std::nullopt) {
        mqtt::const_message_ptr message = subscriber.next_message(kDelivery);
        if (!message) {
            return ::testing::AssertionFailure()
                   << "no message in time, expected '" << payload << "'";
        }
        if (message->get_topic() != kStatusTopic || message->to_string() != payload ||
            (retained && message->is_retained() != *retained)) {
            return ::testing::AssertionFailure()
                   << "expected '" << payload << "' on " << kStatusTopic
                   << (retained ? (*retained ? " (retained)" : " (live)") : "") << ", got '"
                   << message->to_string() << "' on " << message->get_topic()
                   << (message->is_retained() ? " (retained)" : " (live)");
        }
        return ::testing::AssertionSuccess();
    }

    // What a subscriber arriving now finds retained on the status topic.
    ::testing::AssertionResult RetainedIs(const std::string& payload) {
        MqttSubscriber late(broker().url());
        late.subscribe(kStatusTopic, 1);
        return Receives(late, payload, true);
    }
};

TEST_F(HardeningStatusTopicTest, OnlineWhileUpOfflineAfterSigtermAndAfterSigkill) {
    start(status_args());

    // Subscribed after the bridge is healthy: "online" arrives (retained, or live if the
    // bridge's publish reached the broker only after this subscription).
    MqttSubscriber watcher(broker().url());
    watcher.subscribe(kStatusTopic, 1);
    ASSERT_TRUE(Receives(watcher, "online"));
    EXPECT_TRUE(RetainedIs("online"));

    // Clean shutdown: the bridge says "offline" itself.
    bridge().send_signal(SIGTERM);
    const std::optional<int> status = bridge().wait_exit(std::chrono::seconds(15));
    ASSERT_TRUE(status.has_value()) << "the bridge is still running after SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << ChildProcess::describe_wait_status(*status);
    EXPECT_TRUE(Receives(watcher, "offline", false));
    EXPECT_TRUE(RetainedIs("offline"));

    // A new bridge is "online" again.
    start_bridge(status_args());
    EXPECT_TRUE(Receives(watcher, "online", false));
    EXPECT_TRUE(RetainedIs("online"));

    // SIGKILL: no goodbye from the bridge; its TCP connection drops and the broker publishes the
    // will, retained.
    bridge().send_signal(SIGKILL);
    const std::optional<int> killed = bridge().wait_exit(std::chrono::seconds(15));
    ASSERT_TRUE(killed.has_value());
    EXPECT_TRUE(WIFSIGNALED(*killed) && WTERMSIG(*killed) == SIGKILL)
        << ChildProcess::describe_wait_status(*killed);
    EXPECT_TRUE(Receives(watcher, "offline", false));
    EXPECT_TRUE(RetainedIs("offline"));
}

}  // namespace
}  // namespace mwb::it
