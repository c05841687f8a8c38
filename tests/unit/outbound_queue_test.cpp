// The flow-control rule of OutboundQueue and Session, without sockets: the
// "kernel" is a probe the test answers, a "write" is take_write() followed,
// when the test decides the peer read it, by write_done().
#include "ws/outbound_queue.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "ws/outbound_message.hpp"
#include "ws/session.hpp"

namespace mqttws::ws {
namespace {

constexpr std::uint64_t limit = 10'000;

FramePtr frame(std::size_t payload_bytes, char fill = 'x') {
    return make_prepared_frame(websocketpp::frame::opcode::text, std::string(payload_bytes, fill));
}

std::string text_of(const FramePtr& f) {
    return f->get_payload();
}

// The delivery pass a test is in; a test moves it on to let the kernel have
// its moment between passes.
std::uint64_t pass = 1;

struct Probe {
    bool room = false;
    int asked = 0;
    bool operator()() {
        ++asked;
        return room;
    }
};

Session open_session(FlowLimits limits = {limit, false}, bool protocol = false) {
    Session session(1, "S", protocol, protocol ? WireForm::envelope : WireForm::payload, limits);
    session.opened();
    return session;
}

// A replay of `count` frames of `bytes` each, numbered in their payload.
class CountingSource : public FrameSource {
  public:
    CountingSource(int count, std::size_t bytes, int* pulled)
        : left_(count), bytes_(bytes), pulled_(pulled) {}
    void drop_filters(const std::vector<std::string>&) override { left_ = 0; }
    FramePtr next() override {
        if (left_ == 0) return nullptr;
        --left_;
        ++*pulled_;
        std::string payload = "r" + std::to_string(*pulled_);
        payload.resize(bytes_, '.');
        return make_prepared_frame(websocketpp::frame::opcode::text, payload);
    }

  private:
    int left_;
    std::size_t bytes_;
    int* pulled_;
};

TEST(OutboundQueue, OneFrameLargerThanTheBoundReachesAClientWithNothingUnsent) {
    Session session = open_session();
    Probe kernel;
    EXPECT_EQ(session.send(frame(3 * limit), pass, kernel), SendStatus::queued);
    EXPECT_EQ(kernel.asked, 0);
    std::vector<FramePtr> write;
    ASSERT_TRUE(session.take_write(write, pass));
    EXPECT_EQ(write.size(), 1u);
}

TEST(OutboundQueue, FramesWithinTheBoundAreQueuedWithoutAskingTheKernel) {
    Session session = open_session();
    Probe kernel;
    for (int i = 0; i < 9; ++i)
        EXPECT_EQ(session.send(frame(1'000), pass, kernel), SendStatus::queued);
    EXPECT_EQ(kernel.asked, 0);
}

TEST(OutboundQueue, ABurstBeyondTheBoundIsNotJudgedBeforeAWriteWasTried) {
    // A whole burst arrives in one pass before any write: the client cannot
    // have been slow yet.
    Session session = open_session();
    Probe kernel;  // would say "full"
    for (int i = 0; i < 33; ++i)
        EXPECT_EQ(session.send(frame(1'000), pass, kernel), SendStatus::queued);
    EXPECT_EQ(kernel.asked, 0);
    std::vector<FramePtr> write;
    ASSERT_TRUE(session.take_write(write, pass));
    EXPECT_EQ(write.size(), 33u);  // one write carries the whole burst (cork)
}

TEST(OutboundQueue, AWriteCarriesAtMostTheFrameCap) {
    Session session = open_session({1'000'000, false});
    Probe kernel;
    for (int i = 0; i < 150; ++i)
        ASSERT_EQ(session.send(frame(10), pass, kernel), SendStatus::queued);
    std::vector<FramePtr> write;
    std::vector<std::size_t> sizes;
    while (session.take_write(write, pass)) {
        sizes.push_back(write.size());
        session.write_done();
    }
    const std::size_t cap = OutboundQueue::max_frames_per_write;
    EXPECT_EQ(sizes, (std::vector<std::size_t>{cap, cap, 150 - 2 * cap}));
}

TEST(OutboundQueue, BeyondTheBoundWhileAWriteIsInFlightTheKernelDecides) {
    Session session = open_session();
    Probe kernel;
    std::vector<FramePtr> write;
    ASSERT_EQ(session.send(frame(8'000), pass, kernel), SendStatus::queued);
    ASSERT_TRUE(session.take_write(write, pass));  // 8,000 in flight
    ++pass;                                        // the kernel had its moment
    kernel.room = true;                            // the client is reading
    EXPECT_EQ(session.send(frame(4'000), pass, kernel), SendStatus::queued);
    EXPECT_EQ(kernel.asked, 1);
    kernel.room = false;  // now it stopped
    EXPECT_EQ(session.send(frame(4'000), pass, kernel), SendStatus::over_limit);
    EXPECT_EQ(session.state(), SessionState::closing);
    EXPECT_EQ(session.queue().unsent_bytes(), 8'004u);  // only the write in flight is left
    EXPECT_EQ(session.send(frame(1), pass, kernel), SendStatus::dropped);
}

TEST(OutboundQueue, AWriteStartedThisPassHasGraceUpToTwiceTheBound) {
    // A burst in one pass: the write started mid-pass (the kernel took part
    // of it a moment ago) is not judged before the next pass.
    Session session = open_session();
    Probe kernel;  // full right after the partial write
    std::vector<FramePtr> write;
    ASSERT_EQ(session.send(frame(9'000), pass, kernel), SendStatus::queued);
    ASSERT_TRUE(session.take_write(write, pass));
    session.wrote(4'000);  // the kernel took 4,000 bytes at once
    int queued = 0;
    while (session.send(frame(996), pass, kernel) == SendStatus::queued && queued < 100) ++queued;
    EXPECT_EQ(queued, 14);  // 5,004 in flight + 14 x 1,000 <= 2 x 10,000
    EXPECT_EQ(kernel.asked, 1);
    EXPECT_EQ(session.state(), SessionState::closing);
}

TEST(OutboundQueue, BytesTheKernelTookAtOnceNoLongerCount) {
    Session session = open_session();
    Probe kernel;
    std::vector<FramePtr> write;
    ASSERT_EQ(session.send(frame(9'000), pass, kernel), SendStatus::queued);
    ASSERT_TRUE(session.take_write(write, pass));
    session.wrote(8'000);
    ++pass;
    EXPECT_EQ(session.queue().unsent_bytes(), 1'004u);
    EXPECT_EQ(session.send(frame(8'000), pass, kernel), SendStatus::queued);
    EXPECT_EQ(kernel.asked, 0);
}

TEST(OutboundQueue, OneWriteInFlightAtATime) {
    Session session = open_session();
    Probe kernel;
    std::vector<FramePtr> write;
    ASSERT_EQ(session.send(frame(10, 'a'), pass, kernel), SendStatus::queued);
    ASSERT_TRUE(session.take_write(write, pass));
    ASSERT_EQ(session.send(frame(10, 'b'), pass, kernel), SendStatus::queued);
    ASSERT_EQ(session.send(frame(10, 'c'), pass, kernel), SendStatus::queued);
    EXPECT_FALSE(session.take_write(write, pass));
    session.write_done();
    ASSERT_TRUE(session.take_write(write, pass));
    ASSERT_EQ(write.size(), 2u);
    EXPECT_EQ(text_of(write[0]), std::string(10, 'b'));
    EXPECT_EQ(text_of(write[1]), std::string(10, 'c'));
    session.write_done();
    EXPECT_FALSE(session.take_write(write, pass));
}

TEST(OutboundQueue, AClientThatNeverReadsCostsAtMostTheBoundPlusOneFrame) {
    for (const bool drop : {false, true}) {
        SCOPED_TRACE(drop ? "drop" : "close");
        Session session = open_session({limit, drop});
        Probe kernel;  // the kernel never takes more
        std::vector<FramePtr> write;
        std::uint64_t most = 0;
        int refused = 0;
        for (int i = 0; i < 1'000; ++i) {
            const SendStatus status = session.send(frame(700), pass, kernel);
            if (status != SendStatus::queued) ++refused;
            if (i == 0) {
                ASSERT_TRUE(session.take_write(write, pass));  // never completes
                ++pass;
            }
            most = std::max(most, session.queue().unsent_bytes());
        }
        EXPECT_LE(most, limit + 704);
        EXPECT_GT(refused, 900);
        EXPECT_EQ(session.state(), drop ? SessionState::open : SessionState::closing);
    }
}

TEST(OutboundQueue, BeforeTheHandshakeCompletesTheBoundHolds) {
    Session session(1, "S", false, WireForm::payload, {limit, false});
    Probe kernel;
    kernel.room = true;  // never asked: nothing can be written before the 101
    EXPECT_EQ(session.send(frame(6'000), pass, kernel), SendStatus::queued);
    std::vector<FramePtr> write;
    EXPECT_FALSE(session.take_write(write, pass));
    EXPECT_EQ(session.send(frame(6'000), pass, kernel), SendStatus::over_limit);
    EXPECT_EQ(kernel.asked, 0);
}

TEST(OutboundQueue, DroppedFramesAreAnnouncedToAProtocolClientBeforeTheNextOne) {
    Session session = open_session({limit, true}, true);
    Probe kernel;
    std::vector<FramePtr> write;
    ASSERT_EQ(session.send(frame(9'000), pass, kernel), SendStatus::queued);
    ASSERT_TRUE(session.take_write(write, pass));
    ++pass;
    EXPECT_EQ(session.send(frame(5'000), pass, kernel), SendStatus::dropped);
    EXPECT_EQ(session.send(frame(5'000), pass, kernel), SendStatus::dropped);
    EXPECT_EQ(session.missed(), 2u);
    session.write_done();
    ASSERT_EQ(session.send(frame(10, 'n'), pass, kernel), SendStatus::queued);
    ASSERT_TRUE(session.take_write(write, pass));
    ASSERT_EQ(write.size(), 2u);
    EXPECT_NE(text_of(write[0]).find("\"dropped\""), std::string::npos) << text_of(write[0]);
    EXPECT_NE(text_of(write[0]).find('2'), std::string::npos);
    EXPECT_EQ(text_of(write[1]), std::string(10, 'n'));
}

TEST(OutboundQueue, AReplayIsPulledAsTheSocketDrainsAndLiveFramesFollowIt) {
    Session session = open_session();
    Probe kernel;
    int pulled = 0;
    ASSERT_EQ(session.send(frame(5, 'A'), pass, kernel), SendStatus::queued);  // e.g. the ack
    session.send_later(std::make_unique<CountingSource>(100, 1'000, &pulled));
    ASSERT_EQ(session.send(frame(5, 'L'), pass, kernel),
              SendStatus::queued);  // live, during the replay
    EXPECT_EQ(pulled, 0);           // nothing made before a write wants it

    std::vector<std::string> received;
    std::vector<FramePtr> write;
    int writes = 0;
    while (session.take_write(write, pass)) {
        ++writes;
        std::uint64_t bytes = 0;
        for (const auto& f : write) {
            received.push_back(text_of(f).substr(0, 4));
            bytes += frame_bytes(f);
        }
        EXPECT_LE(bytes, limit / 2 + 1'004);  // about half the bound per write
        session.write_done();
    }
    ASSERT_EQ(received.size(), 102u);
    EXPECT_EQ(received.front(), "AAAA");
    EXPECT_EQ(received[1], "r1..");
    EXPECT_EQ(received[100], "r100");
    EXPECT_EQ(received.back(), "LLLL");
    EXPECT_GT(writes, 10);
}

TEST(OutboundQueue, FramesBehindAReplayAreHeldToTheBoundWhateverTheKernelSays) {
    Session session = open_session();
    Probe kernel;
    kernel.room = true;
    int pulled = 0;
    session.send_later(std::make_unique<CountingSource>(1'000, 1'000, &pulled));
    std::vector<FramePtr> write;
    ASSERT_TRUE(session.take_write(write, pass));
    int queued = 0;
    SendStatus last = SendStatus::queued;
    for (int i = 0; i < 20 && last == SendStatus::queued; ++i) {
        last = session.send(frame(996), pass, kernel);
        if (last == SendStatus::queued) ++queued;
    }
    EXPECT_EQ(queued, 10);  // 10 x 1,000 bytes fit the bound of 10,000
    EXPECT_EQ(last, SendStatus::over_limit);
    EXPECT_EQ(kernel.asked, 0);
}

TEST(OutboundQueue, AReplayedFrameLargerThanTheBoundStillGoesOut) {
    // The web console's case: one retained message of 900 KB, framed bigger
    // than the 1 MiB default bound, behind the welcome frame.
    Session session = open_session({limit, false}, true);
    Probe kernel;
    int pulled = 0;
    ASSERT_EQ(session.send(frame(50, 'w'), pass, kernel), SendStatus::queued);
    session.send_later(std::make_unique<CountingSource>(1, 3 * limit, &pulled));
    ASSERT_EQ(session.send(frame(50, 'L'), pass, kernel), SendStatus::queued);
    std::vector<std::string> received;
    std::vector<FramePtr> write;
    while (session.take_write(write, pass)) {
        for (const auto& f : write) received.push_back(text_of(f).substr(0, 2));
        session.write_done();
    }
    EXPECT_EQ(received, (std::vector<std::string>{"ww", "r1", "LL"}));
    EXPECT_EQ(session.state(), SessionState::open);
}

TEST(OutboundQueue, UnsubscribingEndsAReplayUnderWay) {
    Session session = open_session();
    Probe kernel;
    int pulled = 0;
    session.send_later(std::make_unique<CountingSource>(100, 1'000, &pulled));
    ASSERT_EQ(session.send(frame(5, 'L'), pass, kernel), SendStatus::queued);
    std::vector<FramePtr> write;
    ASSERT_TRUE(session.take_write(write, pass));
    session.write_done();
    session.drop_filters({"a/#"});
    ASSERT_TRUE(session.take_write(write, pass));
    ASSERT_EQ(write.size(), 1u);  // only what waited behind the replay
    EXPECT_EQ(text_of(write[0]), std::string(5, 'L'));
    EXPECT_LT(pulled, 100);
}

TEST(OutboundQueue, ClosingForgetsEverythingQueued) {
    Session session = open_session();
    Probe kernel;
    int pulled = 0;
    ASSERT_EQ(session.send(frame(100), pass, kernel), SendStatus::queued);
    session.send_later(std::make_unique<CountingSource>(10, 100, &pulled));
    session.close();
    EXPECT_TRUE(session.queue().empty());
    std::vector<FramePtr> write;
    EXPECT_FALSE(session.take_write(write, pass));
    EXPECT_EQ(pulled, 0);
}

}  // namespace
}  // namespace mqttws::ws
