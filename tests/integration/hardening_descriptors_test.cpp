// Out of file descriptors: the bridge runs under a low RLIMIT_NOFILE and clients take every
// descriptor it may open. Connects beyond that must not make the accept loop spin (its CPU share
// over a window stays bounded), are refused with 503 and counted, /healthz on the same listener
// still answers, one warning says what happened, and once clients leave new ones connect again
// (with an info line saying how many were refused meanwhile).

#include <string>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/process_usage.hpp"

namespace mwb::it {
namespace {

constexpr std::uint64_t kOpenFileLimit = 64;
constexpr int kBeyondTheLimit = 5;
constexpr int kLeaving = 3;
constexpr const char* kRefused =
    R"(mwb_connections_total{result="refused",reason="out_of_descriptors"})";

class HardeningDescriptorsTest : public BridgeTest {
  protected:
    void start_limited() {
        start_broker();
        BridgeProcess::Options options;
        options.log_level = "info";
        options.child.open_file_limit = kOpenFileLimit;
        start_bridge({"--threads", "2"}, BridgeProcess::WaitFor::healthy, options);
        start_publisher();
    }

    std::size_t bridge_files() { return ProcessUsage::open_files(bridge().pid()).value_or(0); }

    bool LogShows(const std::string& text, const Deadline& deadline = kDelivery) {
        return deadline.poll_until([&] { return bridge().log().find(text) != std::string::npos; });
    }
};

TEST_F(HardeningDescriptorsTest, OutOfDescriptorsRefusesWithoutSpinningAndRecovers) {
    start_limited();

    // Clients until the bridge holds every descriptor its limit allows (or refuses one for
    // want of a descriptor: then it is already there).
    std::vector<WsConnection*> held;
    const Deadline filling(std::chrono::seconds(60));
    while (bridge_files() < kOpenFileLimit) {
        WsConnection& client = clients().connect(bridge().ws_uri("/ws/fd/%23"));
        if (!client.wait_open(filling)) {
            ASSERT_EQ(client.response_code(), 503)
                << client.describe() << " with " << bridge_files() << " descriptors open";
            break;
        }
        held.push_back(&client);
    }
    ASSERT_FALSE(held.empty());

    // Connects beyond the limit wait in the listener's backlog (or are being refused) during
    // the window: the bridge must not burn a core retrying accept().
    const CpuShare cpu(bridge().pid());
    std::vector<WsConnection*> beyond;
    for (int i = 0; i < kBeyondTheLimit; ++i) {
        beyond.push_back(&clients().connect(bridge().ws_uri("/ws/fd/%23")));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the measurement window
    const std::optional<double> share = cpu.so_far();
    ASSERT_TRUE(share) << "the bridge is gone";
    // A spinning accept loop takes a whole core (or more: one per shard); an idle one next to
    // nothing. The bound leaves room for a loaded machine on either side.
    EXPECT_LT(*share, 0.25) << "the bridge used " << *share * 100
                            << "% of a CPU while connects beyond its descriptor limit waited";

    // Each is refused the documented way rather than left hanging.
    const Deadline refused(kDelivery);
    for (WsConnection* connection : beyond) {
        EXPECT_FALSE(connection->wait_open(refused)) << connection->describe();
        EXPECT_EQ(connection->response_code(), 503) << connection->describe();
    }

    // Plain HTTP on the same listener is still answered, every client still connected.
    const HttpResponse health = HttpClient::get(bridge().port(), "/healthz", {}, kDelivery);
    EXPECT_EQ(health.status, 200) << health.describe();
    double counted = -1;
    EXPECT_TRUE(BridgeMetrics::wait_until(
        bridge().port(), kRefused, [](double v) { return v >= kBeyondTheLimit; }, kDelivery,
        &counted))
        << kRefused << " is " << counted;
    EXPECT_TRUE(LogShows("out of file descriptors")) << "no warning when the episode began";

    // The held clients are served throughout.
    publisher().publish("fd/1", "while short of descriptors");
    EXPECT_TRUE(ReceivesTexts(*held.back(), {"while short of descriptors"}));

    // Clients leave: their descriptors come back, and new clients are accepted again.
    for (int i = 0; i < kLeaving; ++i) held[i]->close();
    for (int i = 0; i < kLeaving; ++i) {
        ASSERT_TRUE(held[i]->wait_closed(kDelivery)) << held[i]->describe();
    }
    ASSERT_TRUE(Deadline(kDelivery).poll_until([&] {
        return bridge_files() <= kOpenFileLimit - kLeaving;
    })) << "the bridge still holds "
        << bridge_files() << " descriptors";
    WsConnection& again = connect("/ws/fd/%23");
    publisher().publish("fd/2", "descriptors are back");
    EXPECT_TRUE(ReceivesTexts(again, {"descriptors are back"}));
    EXPECT_TRUE(LogShows("file descriptors available again")) << "no line when it recovered";
}

}  // namespace
}  // namespace mwb::it
