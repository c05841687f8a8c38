// Slow clients: one client that stops reading must never delay the others or grow the bridge's
// memory. With --slow-client close (the default) it is closed (1008) once more than
// --max-buffered-bytes are queued for it; with --slow-client drop its messages are dropped and a
// protocol-mode client is told how many with {"type":"dropped","count":N} when it catches up.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/bridge_metrics.hpp"
#include "harness/bridge_test.hpp"
#include "harness/json_text.hpp"
#include "harness/raw_ws_socket.hpp"
#include "harness/rss_sampler.hpp"
#include "harness/sanitized_bridge.hpp"

namespace mwb::it {
namespace {

constexpr std::size_t kPayloadSize = 10'000;  // 10 KB per message
constexpr int kBatch = 50;                    // 500 KB: below --max-buffered-bytes (1 MiB)
// A small receive buffer makes a client that does not read fill up after fewer bytes.
constexpr int kSlowReceiveBuffer = 16 * 1024;

// How much the bridge's VmRSS may grow while 50 MB flow. Measured on the reference VM: about
// 13 MiB in all with the 1 MiB bound, and about 56 MiB with the bound lifted (the slow client's
// queue then holds most of the 50 MB), so 24 MiB of growth tells the two apart with a wide margin.
// Under a sanitizer the allocator's quarantine (256 MiB by default) and shadow memory dominate,
// so only gross growth is checked there.
constexpr std::uint64_t kRssGrowthBound =
    kBridgeSanitized ? 1024ull * 1024 * 1024 : 24ull * 1024 * 1024;

// "msg-000042 xxxx…": the sequence number first, padded to kPayloadSize.
std::string payload_for(int sequence) {
    std::string payload(kPayloadSize, 'x');
    char prefix[16];
    const int n = std::snprintf(prefix, sizeof prefix, "msg-%06d ", sequence);
    payload.replace(0, static_cast<std::size_t>(n), prefix);
    return payload;
}

class HardeningSlowClientTest : public BridgeTest {
  protected:
    std::optional<double> metric(const std::string& sample) {
        return BridgeMetrics::value(bridge().port(), sample);
    }
    ::testing::AssertionResult MetricReaches(const std::string& sample,
                                             const std::function<bool(double)>& condition,
                                             const Deadline& deadline = kDelivery) {
        double last = -1;
        if (BridgeMetrics::wait_until(bridge().port(), sample, condition, deadline, &last)) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure() << sample << " is " << last;
    }
};

TEST_F(HardeningSlowClientTest, SlowClientIsClosedAndTheFastOnesGetEverythingInOrder) {
    constexpr int kFastClients = 50;
    constexpr int kMessages = 5000;  // 50 MB in all
    start({"--threads", "2", "--max-buffered-bytes", "1MiB"});

    std::vector<WsConnection*> fast;
    for (int i = 0; i < kFastClients; ++i) {
        fast.push_back(&clients().connect(bridge().ws_uri("/ws/bulk/%23")));
    }
    const Deadline connected(std::chrono::seconds(60));
    for (auto* c : fast) ASSERT_TRUE(c->wait_open(connected)) << c->describe();
    RawWsSocket slow(bridge().port(), kSlowReceiveBuffer);
    const HttpResponse upgrade = slow.handshake("/ws/bulk/%23");
    ASSERT_EQ(upgrade.status, 101) << upgrade.describe();
    ASSERT_TRUE(MetricReaches("mwb_clients", [](double v) { return v == kFastClients + 1; }));
    // From here on the raw client never reads.

    const std::uint64_t rss_before = BridgeMetrics::rss_bytes(bridge().pid()).value_or(0);
    ASSERT_GT(rss_before, 0u) << "cannot read VmRSS of the bridge";
    RssSampler rss(bridge().pid());
    // Paced in batches: the next batch goes out once every fast client has the previous one, so
    // the broker never holds much for the bridge and a fast client never has more than one batch
    // queued at the bridge. The slow client falls behind by a batch every round.
    const Deadline all_delivered(std::chrono::seconds(150));
    std::ostringstream stalled;
    for (int sent = 0; sent < kMessages && stalled.str().empty();) {
        for (int i = 0; i < kBatch; ++i, ++sent) {
            publisher().publish("bulk/data", payload_for(sent));
        }
        for (auto* c : fast) {
            if (!c->wait_for_messages(static_cast<std::size_t>(sent), all_delivered)) {
                stalled << "after " << sent << " messages published: " << c->describe();
                break;
            }
        }
    }
    rss.stop();
    ASSERT_TRUE(stalled.str().empty()) << "a fast client stalled " << stalled.str();

    const auto mib = [](std::uint64_t bytes) { return bytes / (1024 * 1024); };
    EXPECT_LT(rss.peak(), rss_before + kRssGrowthBound)
        << "the bridge's VmRSS grew from " << mib(rss_before) << " MiB to " << mib(rss.peak())
        << " MiB (" << rss.samples() << " samples)";
    std::cout << "[          ] bridge VmRSS " << mib(rss_before) << " MiB before, peak "
              << mib(rss.peak()) << " MiB over " << rss.samples() << " samples\n";

    // Every fast client: everything, in order, and never closed.
    int bad = 0;
    std::ostringstream report;
    for (auto* c : fast) {
        EXPECT_EQ(c->state(), WsConnection::State::open) << c->describe();
        for (int i = 0; i < kMessages; ++i) {
            std::optional<WsFrame> frame = c->next_message(std::chrono::seconds(1));
            char prefix[16];
            std::snprintf(prefix, sizeof prefix, "msg-%06d ", i);
            if (!frame || frame->binary || frame->payload.size() != kPayloadSize ||
                frame->payload.rfind(prefix, 0) != 0) {
                if (++bad <= 5) {
                    report << "message " << i << ": "
                           << (frame ? "'" + frame->payload.substr(0, 16) + "…' (" +
                                           std::to_string(frame->payload.size()) + " bytes)"
                                     : std::string("missing"))
                           << " on " << c->describe() << "\n";
                }
                break;
            }
        }
        EXPECT_EQ(c->message_count(), static_cast<std::size_t>(kMessages)) << c->describe();
    }
    EXPECT_EQ(bad, 0) << report.str();

    // The slow one was closed as slow (its close frame sits behind the bytes it never read) and
    // then freed: the close handshake times out and the TCP connection is dropped.
    EXPECT_TRUE(MetricReaches("mwb_slow_client_closes_total", [](double v) { return v >= 1; }));
    EXPECT_TRUE(MetricReaches(
        "mwb_clients", [](double v) { return v == kFastClients; }, std::chrono::seconds(30)));
    EXPECT_TRUE(slow.wait_peer_closed(std::chrono::seconds(30)))
        << "the slow client's connection was not dropped; " << slow.bytes_received()
        << " bytes read";
}

TEST_F(HardeningSlowClientTest, DropModeTellsAProtocolClientHowManyItMissed) {
    constexpr int kMaxMessages = 5000;  // bounds the loop; far more than the buffers hold
    start({"--threads", "2", "--slow-client", "drop", "--max-buffered-bytes", "1MiB"});

    RawWsSocket slow(bridge().port(), kSlowReceiveBuffer);
    const HttpResponse upgrade = slow.handshake("/ws/bulk/%23", kProtocol);
    ASSERT_EQ(upgrade.status, 101) << upgrade.describe();
    std::optional<RawFrame> welcome = slow.read_frame(kDelivery);
    ASSERT_TRUE(welcome && welcome->opcode == RawFrame::kText &&
                JsonText::string_member(JsonText::parse(welcome->payload), "type") == "welcome")
        << (welcome ? welcome->describe() : "no welcome frame");

    // Stop reading and publish until the bridge drops messages for this client.
    int sent = 0;
    bool dropping = false;
    while (!dropping && sent < kMaxMessages) {
        for (int i = 0; i < kBatch; ++i, ++sent) {
            publisher().publish("bulk/data", payload_for(sent));
        }
        // Wait until the bridge has the batch (so nothing piles up at the broker), then see
        // whether it drops yet. A ping op could not tell: its answer would wait behind the bytes
        // this client does not read.
        ASSERT_TRUE(
            MetricReaches("mwb_mqtt_messages_total", [sent](double v) { return v >= sent; }));
        dropping = metric(R"(mwb_dropped_total{reason="slow_client"})").value_or(0) > 0;
    }
    ASSERT_TRUE(dropping) << sent << " messages published and none dropped";
    EXPECT_EQ(metric("mwb_slow_client_closes_total").value_or(-1), 0)
        << "drop mode never closes a slow client";

    // Read again. The backlog drains; once there is room, the next message is preceded by the
    // count of the ones this client missed. Markers are published whenever the socket has been
    // quiet for a moment (that only decides how many markers it takes, not the outcome).
    std::optional<long long> dropped_count;
    std::string after_dropped;  // the frame right after the dropped notice
    int backlog = 0;
    int markers = 0;
    std::string last_frame;
    const Deadline caught_up(std::chrono::seconds(90));
    while (after_dropped.empty() && !caught_up.expired() && !slow.peer_closed()) {
        publisher().publish("bulk/late", "late-" + std::to_string(markers++));
        while (std::optional<RawFrame> frame = slow.read_frame(std::chrono::milliseconds(300))) {
            ASSERT_EQ(frame->opcode, RawFrame::kText) << frame->describe();
            last_frame = frame->payload.substr(0, 200);
            rapidjson::Document json = JsonText::parse(frame->payload);
            const std::string type = JsonText::string_member(json, "type");
            if (type == "dropped") {
                ASSERT_FALSE(dropped_count.has_value())
                    << "a second dropped notice: " << last_frame;
                ASSERT_TRUE(json.HasMember("count") && json["count"].IsInt64()) << last_frame;
                dropped_count = json["count"].GetInt64();
            } else if (dropped_count) {
                after_dropped = frame->payload;
                break;
            } else {
                ASSERT_EQ(type, "message") << last_frame;
                ++backlog;
            }
        }
    }
    ASSERT_TRUE(dropped_count.has_value())
        << "no dropped notice; " << backlog << " backlog messages and " << markers
        << " markers later; last frame: " << last_frame
        << (slow.peer_closed() ? "; the connection was closed" : "");
    EXPECT_GT(*dropped_count, 0);
    EXPECT_GT(backlog, 0) << "the messages queued before the client fell behind still arrive";
    ASSERT_FALSE(after_dropped.empty()) << "nothing after the dropped notice";
    rapidjson::Document next = JsonText::parse(after_dropped);
    EXPECT_EQ(JsonText::string_member(next, "type"), "message") << after_dropped;
    EXPECT_EQ(JsonText::string_member(next, "topic"), "bulk/late")
        << "after the notice come messages published after the client caught up: "
        << after_dropped.substr(0, 200);
    const double dropped_total = metric(R"(mwb_dropped_total{reason="slow_client"})").value_or(-1);
    EXPECT_LE(static_cast<double>(*dropped_count), dropped_total);

    // Still open and usable.
    ASSERT_TRUE(slow.send_text(R"({"op":"ping","id":77})")) << slow.error();
    bool acked = false;
    const Deadline answered(kDelivery);
    while (!acked) {
        std::optional<RawFrame> frame = slow.read_frame(answered);
        ASSERT_TRUE(frame) << "no ack for the ping"
                           << (slow.peer_closed() ? ": the connection was closed" : "");
        ASSERT_NE(frame->opcode, RawFrame::kClose) << frame->describe();
        rapidjson::Document json = JsonText::parse(frame->payload);
        acked = JsonText::string_member(json, "type") == "ack";
        if (acked) {
            EXPECT_EQ(json["id"].GetInt(), 77) << frame->payload;
        }
    }
    EXPECT_EQ(metric("mwb_slow_client_closes_total").value_or(-1), 0);
    EXPECT_EQ(metric("mwb_clients").value_or(-1), 1);
}

}  // namespace
}  // namespace mwb::it
