// Flow control: --max-buffered-bytes bounds what the bridge holds for one client, never what a
// client may receive. A retained replay larger than the bound, a single message whose frame is
// larger than the bound, and bursts larger than the bound all reach a client that reads, complete
// and in order, without closing it; only a client that does not read is judged slow (closed with
// --slow-client close, its messages dropped with --slow-client drop) while the others get
// everything. Retained replay and live traffic that arrives during it are each delivered exactly
// once.
//
// Every test runs its own Mosquitto and bridge on loopback. Retained sets are published before the
// bridge starts; before a client connects, a probe on every delivery thread has received a marker
// published after them, so the replay can only come from the bridge's cache.

#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "harness/flow_control_fixture.hpp"
#include "harness/json_text.hpp"
#include "harness/mqtt_burst_publisher.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {
namespace {

// A bound on waiting for a whole replay or a whole stream to arrive, not a speed requirement.
constexpr std::chrono::seconds kStream{30};

// 3,000 retained messages of 1,000 bytes: about 3 MB, three times the default
// --max-buffered-bytes (1 MiB), and well below the default --retained-cache (10,000 topics).
NumberedMessages retained_set() {
    return NumberedMessages{"r/", "ret", 3000, 4, 1000};
}

// The default --max-payload: a broker message of exactly this size is delivered, one byte more is
// dropped (the limit is inclusive).
constexpr std::size_t kMaxPayload = 1024 * 1024;

class FlowControlReplayTest : public FlowControlTest {
  protected:
    // Starts broker and bridge with the retained set in place and waits until the bridge holds all
    // of it: every delivery thread has handled the broker's retained messages, and none of them
    // was refused for lack of room in the cache.
    ::testing::AssertionResult StartWithRetainedSetCached(
        const NumberedMessages& retained, const std::vector<std::string>& bridge_args = {}) {
        start_with_retained_set(retained, bridge_args);
        if (::testing::AssertionResult caught_up = EveryShardCaughtUp(); !caught_up) {
            return caught_up;
        }
        const std::optional<double> full = metric("mwb_retained_cache_full_total");
        const std::optional<double> received = metric("mwb_mqtt_messages_total");
        if (full == 0.0 && received && *received >= retained.count) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << "the bridge did not cache the whole retained set: mwb_retained_cache_full_total "
               << full.value_or(-1) << ", mwb_mqtt_messages_total " << received.value_or(-1);
    }
};

TEST_F(FlowControlReplayTest, RetainedReplayLargerThanTheBufferBoundArrivesWholeByPath) {
    const NumberedMessages retained = retained_set();
    ASSERT_TRUE(StartWithRetainedSetCached(retained));

    WsConnection& client = connect("/ws/r/%23");
    EXPECT_TRUE(ReceivesEachOnce(client, FrameForm::plain, {{&retained, true}}, kStream));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::plain, "r/after", "after-replay"));
}

TEST_F(FlowControlReplayTest, RetainedReplayLargerThanTheBufferBoundArrivesWholeByQuery) {
    const NumberedMessages retained = retained_set();
    ASSERT_TRUE(StartWithRetainedSetCached(retained));

    WsConnection& client = connect("/ws?topic=r/%23");
    EXPECT_TRUE(ReceivesEachOnce(client, FrameForm::plain, {{&retained, true}}, kStream));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::plain, "r/after", "after-replay"));
}

TEST_F(FlowControlReplayTest, RetainedReplayLargerThanTheBufferBoundArrivesWholeAfterSubscribeOp) {
    const NumberedMessages retained = retained_set();
    ASSERT_TRUE(StartWithRetainedSetCached(retained));

    WsConnection& client = connect_protocol();
    client.send_text(R"({"op":"subscribe","id":1,"topics":["r/#"]})");
    ASSERT_TRUE(IsAck(NextProtocolFrame(client), 1));
    EXPECT_TRUE(ReceivesEachOnce(client, FrameForm::envelope, {{&retained, true}}, kStream));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::envelope, "r/after", "after-replay"));
}

// Live messages published while a replay larger than the bound is still being sent: the client
// gets every retained topic once and every live message once, the live ones in publish order.
// Nothing is asserted about how the two interleave.
TEST_F(FlowControlReplayTest, LiveMessagesDuringALargeReplayArriveOnceInOrderByPath) {
    const NumberedMessages retained = retained_set();
    const NumberedMessages live{"r/live/", "live", 500, 0, 0};
    ASSERT_TRUE(StartWithRetainedSetCached(retained));

    // The subscription exists once the handshake has completed; publish right away, while the
    // bridge is still replaying.
    WsConnection& client = connect("/ws/r/%23");
    publish_series(live);
    EXPECT_TRUE(
        ReceivesEachOnce(client, FrameForm::plain, {{&retained, true}, {&live, false}}, kStream));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::plain, "r/after", "after-all"));
}

TEST_F(FlowControlReplayTest, LiveMessagesDuringALargeReplayArriveOnceInOrderAfterSubscribeOp) {
    const NumberedMessages retained = retained_set();
    const NumberedMessages live{"r/live/", "live", 500, 0, 0};
    ASSERT_TRUE(StartWithRetainedSetCached(retained));

    WsConnection& client = connect_protocol();
    client.send_text(R"({"op":"subscribe","id":1,"topics":["r/#"]})");
    // The ack says the subscription exists; publish right away, while the bridge is replaying.
    ASSERT_TRUE(IsAck(NextProtocolFrame(client), 1));
    publish_series(live);
    EXPECT_TRUE(ReceivesEachOnce(client, FrameForm::envelope, {{&retained, true}, {&live, false}},
                                 kStream));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::envelope, "r/after", "after-all"));
}

// ---------------------------------------------------------------------------------------------
// One message of the largest accepted size. Its payload is bytes that are not UTF-8, so plain
// clients get a binary frame of exactly --max-payload bytes and msg objects carry it base64
// encoded: a msg or envelope frame of about 1.4 MB, larger than --max-buffered-bytes.

std::string binary_payload(std::size_t size) {
    std::string bytes(size, '\0');
    std::uint32_t state = 0x2545f491u;
    for (auto& byte : bytes) {
        state = state * 1664525u + 1013904223u;
        byte = static_cast<char>(state >> 24);
    }
    bytes[0] = static_cast<char>(0xff);  // never valid UTF-8, whatever follows
    return bytes;
}

// Standard base64 with padding; nullopt on anything else.
std::optional<std::string> base64_decode(const std::string& text) {
    static constexpr const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint32_t group = 0;
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            std::uint32_t value = 0;
            if (c == '=' && i + 4 == text.size() && j >= 2) {
                ++padding;
            } else {
                const char* at = std::strchr(alphabet, c);
                if (c == '\0' || at == nullptr || padding > 0) return std::nullopt;
                value = static_cast<std::uint32_t>(at - alphabet);
            }
            group = (group << 6) | value;
        }
        out += static_cast<char>((group >> 16) & 0xff);
        if (padding < 2) out += static_cast<char>((group >> 8) & 0xff);
        if (padding < 1) out += static_cast<char>(group & 0xff);
    }
    return out;
}

class FlowControlLargeMessageTest : public FlowControlTest {
  protected:
    // The next delivery is `payload` as a msg object (msg or envelope form) with the topic, the
    // base64 encoding, and a frame larger than the default --max-buffered-bytes.
    static ::testing::AssertionResult ReceivesBase64Msg(WsConnection& connection, FrameForm form,
                                                        const std::string& topic,
                                                        const std::string& payload) {
        std::string error;
        std::optional<Delivery> delivery = NextDelivery(connection, form, kStream, error);
        if (!delivery) return ::testing::AssertionFailure() << error;
        if (delivery->topic != topic || delivery->encoding != "base64") {
            return ::testing::AssertionFailure()
                   << "expected topic " << topic << " with payloadEncoding base64, got topic '"
                   << delivery->topic << "', payloadEncoding '" << delivery->encoding << "'";
        }
        if (delivery->payload.size() <= kMaxPayload) {
            return ::testing::AssertionFailure()
                   << "the test needs a frame larger than 1 MiB; the base64 payload alone is "
                   << delivery->payload.size() << " bytes";
        }
        const std::optional<std::string> decoded = base64_decode(delivery->payload);
        if (!decoded || *decoded != payload) {
            return ::testing::AssertionFailure()
                   << "the payload differs: " << delivery->payload.size() << " bytes of base64"
                   << (decoded ? " decode to " + std::to_string(decoded->size()) +
                                     " bytes that are not the ones published"
                               : std::string(" that do not decode"));
        }
        return ::testing::AssertionSuccess();
    }
};

TEST_F(FlowControlLargeMessageTest, LargestAcceptedPayloadReachesAPlainClientWhole) {
    start();
    WsConnection& client = connect("/ws/big/%23");
    const std::string payload = binary_payload(kMaxPayload);

    // One byte over --max-payload is dropped, so kMaxPayload is the largest size delivered.
    publisher().publish("big/over", binary_payload(kMaxPayload + 1));
    publisher().publish("big/max", payload);
    std::optional<WsFrame> frame = NextFrameWhileOpen(client, kStream);
    ASSERT_TRUE(frame) << client.describe();
    EXPECT_TRUE(frame->binary);
    EXPECT_EQ(frame->payload.size(), kMaxPayload);
    EXPECT_TRUE(frame->payload == payload) << "the payload differs from the one published";
    EXPECT_TRUE(MetricBecomes(R"(mwb_dropped_total{reason="too_large"})", 1));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::plain, "big/after", "after"));
}

TEST_F(FlowControlLargeMessageTest, LargestAcceptedPayloadReachesAMsgClientWhole) {
    start({"--send", "msg"});
    WsConnection& client = connect("/ws/big/%23");
    const std::string payload = binary_payload(kMaxPayload);

    publisher().publish("big/max", payload);
    EXPECT_TRUE(ReceivesBase64Msg(client, FrameForm::msg, "big/max", payload));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::msg, "big/after", "after"));
}

TEST_F(FlowControlLargeMessageTest, LargestAcceptedPayloadReachesAProtocolClientWhole) {
    start();
    WsConnection& client = connect_protocol("/ws/big/%23");
    const std::string payload = binary_payload(kMaxPayload);

    publisher().publish("big/max", payload);
    EXPECT_TRUE(ReceivesBase64Msg(client, FrameForm::envelope, "big/max", payload));
    EXPECT_TRUE(NextIsFreshMessage(client, FrameForm::envelope, "big/after", "after"));
}

// ---------------------------------------------------------------------------------------------
// Bursts and a client that does not read.

constexpr std::size_t kMessageSize = 8000;

// Reports every client's state when some client did not get `count` frames.
std::string describe_all(const std::vector<WsConnection*>& connections) {
    std::ostringstream out;
    for (const auto* c : connections) out << "\n  " << c->describe();
    return out.str();
}

class FlowControlBurstTest : public FlowControlTest {};

TEST_F(FlowControlBurstTest, BurstsLargerThanTheBoundReachFiveReadersInOrderWithoutClosingThem) {
    constexpr int kReaders = 5;
    constexpr int kBursts = 20;
    constexpr int kBurst = 33;  // 33 x 8,000 bytes = 264,000 bytes, just over 256 KiB
    const NumberedMessages series{"burst/", "burst", kBursts * kBurst, 4, kMessageSize};
    start({"--max-buffered-bytes", "256KiB", "--threads", "2"});
    // A burst is written to the broker in one go, so the broker forwards it back to back.
    MqttBurstPublisher bursts(broker().port());

    std::vector<WsConnection*> readers;
    for (int i = 0; i < kReaders; ++i) readers.push_back(&connect("/ws/burst/%23"));

    // The next burst goes out once every reader has this one.
    int sent = 0;
    for (int burst = 0; burst < kBursts; ++burst) {
        std::vector<std::pair<std::string, std::string>> messages;
        for (int i = 0; i < kBurst; ++i, ++sent) {
            messages.emplace_back(series.topic(sent), series.payload(sent));
        }
        bursts.publish_burst(messages);
        for (auto* reader : readers) {
            ASSERT_TRUE(WaitForFramesWhileOpen(*reader, static_cast<std::size_t>(sent), kDelivery))
                << "burst " << burst << ": not every reader received the " << sent
                << " messages published so far:" << describe_all(readers);
        }
    }
    for (auto* reader : readers) {
        EXPECT_TRUE(ReceivesEachOnce(*reader, FrameForm::plain, {{&series, false}}, kStream));
        EXPECT_EQ(reader->state(), WsConnection::State::open) << reader->describe();
    }
    EXPECT_EQ(metric("mwb_slow_client_closes_total").value_or(-1), 0);
}

// The non-reader asks for a tiny receive window before connecting and never reads after the
// handshake, so the bridge's bytes for it pile up on the bridge's side.
constexpr int kTinyReceiveBuffer = 4 * 1024;
constexpr int kBatch = 8;  // 64,000 bytes: below the 64 KiB bound, so a reader is never over it
// Upper bound on what is published before the bridge must have judged the non-reader slow: 20 MB,
// several times what the kernel's socket buffers can absorb on top of the 64 KiB bound.
constexpr int kMaxMessages = 2500;
// After the judgement, another 1 MB, so the readers are seen to be unaffected by it.
constexpr int kBatchesAfterJudgement = 16;

class FlowControlNonReaderTest : public FlowControlTest {
  protected:
    // The non-reader goes first: closing it with unread bytes resets the connection, so the
    // bridge does not wait for it on shutdown.
    void TearDown() override {
        idle_.reset();
        FlowControlTest::TearDown();
    }

    // Two readers and the non-reader on flow/#, all three counted by the bridge.
    void connect_clients() {
        readers_ = {&connect("/ws/flow/%23"), &connect("/ws/flow/%23")};
        idle_ = std::make_unique<RawWsSocket>(bridge().port(), kTinyReceiveBuffer);
        const HttpResponse upgrade = idle_->handshake("/ws/flow/%23");
        ASSERT_EQ(upgrade.status, 101) << upgrade.describe();
        ASSERT_TRUE(MetricBecomes("mwb_clients", 3));
    }

    // Publishes batches (the next once both readers have the last) until `judged` holds, then
    // kBatchesAfterJudgement more; returns how many messages went out (0 after a failure).
    template <class Judged>
    int publish_until(const NumberedMessages& series, Judged&& judged) {
        int sent = 0;
        int after = -1;  // batches since the judgement; -1 before it
        while (after < kBatchesAfterJudgement) {
            if (sent + kBatch > kMaxMessages) {
                ADD_FAILURE() << sent << " messages (" << sent * kMessageSize / 1000
                              << " kB) published and the non-reader was never judged slow";
                return 0;
            }
            for (int i = 0; i < kBatch; ++i, ++sent) {
                publisher().publish(series.topic(sent), series.payload(sent));
            }
            for (auto* reader : readers_) {
                if (!WaitForFramesWhileOpen(*reader, static_cast<std::size_t>(sent), kDelivery)) {
                    ADD_FAILURE() << "a reader did not receive the " << sent
                                  << " messages published so far:" << describe_all(readers_);
                    return 0;
                }
            }
            if (after >= 0) {
                ++after;
            } else if (judged()) {
                after = 0;
                std::cout << "[          ] the non-reader was judged slow after " << sent
                          << " messages (" << sent * kMessageSize / 1000 << " kB)\n";
            }
        }
        return sent;
    }

    std::vector<WsConnection*> readers_;
    std::unique_ptr<RawWsSocket> idle_;
};

TEST_F(FlowControlNonReaderTest, NonReaderIsClosedByTheBridgeWhileTwoReadersGetEverythingInOrder) {
    start({"--max-buffered-bytes", "64KiB", "--threads", "2"});
    ASSERT_NO_FATAL_FAILURE(connect_clients());

    NumberedMessages series{"flow/", "flow", kMaxMessages, 5, kMessageSize};
    series.count = publish_until(
        series, [&] { return metric("mwb_slow_client_closes_total").value_or(0) >= 1; });
    ASSERT_GT(series.count, 0);

    // The bridge closed its side: the non-reader is no longer one of its clients (its close frame
    // waits behind bytes the non-reader never reads, so its own end may learn of it much later).
    EXPECT_TRUE(MetricBecomes("mwb_clients", 2, std::chrono::seconds(30)));
    EXPECT_EQ(metric("mwb_slow_client_closes_total").value_or(-1), 1)
        << "only the non-reader is slow";
    for (auto* reader : readers_) {
        EXPECT_TRUE(ReceivesEachOnce(*reader, FrameForm::plain, {{&series, false}}, kStream));
        EXPECT_EQ(reader->state(), WsConnection::State::open) << reader->describe();
    }
}

TEST_F(FlowControlNonReaderTest, NonReaderLosesMessagesInDropModeWhileTwoReadersGetEverything) {
    // Pings stay out of the way: the non-reader would never answer one.
    start({"--max-buffered-bytes", "64KiB", "--threads", "2", "--slow-client", "drop",
           "--ping-interval", "10m"});
    ASSERT_NO_FATAL_FAILURE(connect_clients());

    const std::string dropped = R"(mwb_dropped_total{reason="slow_client"})";
    NumberedMessages series{"flow/", "flow", kMaxMessages, 5, kMessageSize};
    series.count = publish_until(series, [&] { return metric(dropped).value_or(0) >= 1; });
    ASSERT_GT(series.count, 0);

    EXPECT_EQ(metric("mwb_slow_client_closes_total").value_or(-1), 0)
        << "drop mode never closes a client";
    EXPECT_EQ(metric("mwb_clients").value_or(-1), 3) << "the non-reader is still connected";
    EXPECT_GE(metric(dropped).value_or(-1), 1);
    for (auto* reader : readers_) {
        EXPECT_TRUE(ReceivesEachOnce(*reader, FrameForm::plain, {{&series, false}}, kStream));
        EXPECT_EQ(reader->state(), WsConnection::State::open) << reader->describe();
    }
}

}  // namespace
}  // namespace mwb::it
