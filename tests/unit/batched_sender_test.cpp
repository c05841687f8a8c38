// BatchedSender over socketpairs (no network): what each write of a pass
// reports, through io_uring and through one sendmsg each, must be the same:
// done when the kernel took it all, pending with the bytes it took when the
// peer's buffer is full, failed when the peer is gone.
#include "ws/batched_sender.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

namespace mqttws::ws {
namespace {

FramePtr text_frame(const std::string& payload) {
    auto frame = std::make_shared<FrameMessage>(nullptr, websocketpp::frame::opcode::text);
    frame->set_header("H");
    frame->set_payload(payload);
    return frame;
}

struct Pair {
    int ours = -1;
    int theirs = -1;
    // `small`: a send buffer that a large write fills.
    explicit Pair(bool small = true) {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        ours = fds[0];
        theirs = fds[1];
        ::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
        int bytes = 4096;
        if (small) ::setsockopt(ours, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
    }
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    ~Pair() {
        if (ours >= 0) ::close(ours);
        if (theirs >= 0) ::close(theirs);
    }
    std::string read_all() const {
        std::string got;
        char buffer[65536];
        ssize_t n = 0;
        while ((n = ::recv(theirs, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) got.append(buffer, n);
        return got;
    }
};

class BatchedSenderTest : public ::testing::TestWithParam<bool> {};

TEST_P(BatchedSenderTest, EachWriteOfAPassReportsWhatTheKernelTook) {
    BatchedSender sender(GetParam());
    Pair open;
    Pair full;
    Pair gone;
    ::close(gone.theirs);
    gone.theirs = -1;

    const std::vector<FramePtr> small{text_frame("one"), text_frame("two")};
    const std::vector<FramePtr> huge{text_frame(std::string(4 << 20, 'x'))};
    sender.add(open.ours, small);
    sender.add(full.ours, huge);
    sender.add(gone.ours, small);
    ASSERT_EQ(sender.size(), 3u);
    std::vector<SendOutcome> out;
    sender.send(out);

    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].result, FrameWrite::done);
    EXPECT_EQ(out[0].written, 8u);
    EXPECT_EQ(open.read_all(), "HoneHtwo");
    EXPECT_EQ(out[1].result, FrameWrite::pending);
    EXPECT_GT(out[1].written, 0u);
    EXPECT_LT(out[1].written, (4u << 20) + 1);
    EXPECT_EQ(full.read_all().size(), out[1].written);
    EXPECT_EQ(out[2].result, FrameWrite::failed);
    EXPECT_EQ(sender.size(), 0u);
}

TEST_P(BatchedSenderTest, AFullSocketReportsPendingWithNothingTaken) {
    BatchedSender sender(GetParam());
    Pair full;
    Pair open;
    const std::vector<FramePtr> huge{text_frame(std::string(4 << 20, 'x'))};
    std::vector<SendOutcome> out;
    sender.add(full.ours, huge);
    sender.add(open.ours, huge);
    sender.send(out);  // fills both sockets
    const std::vector<FramePtr> more{text_frame("more")};
    sender.add(full.ours, more);
    sender.add(open.ours, more);
    sender.send(out);

    ASSERT_EQ(out.size(), 2u);
    for (const SendOutcome& outcome : out) {
        EXPECT_EQ(outcome.result, FrameWrite::pending);
        EXPECT_EQ(outcome.written, 0u);
    }
}

TEST_P(BatchedSenderTest, MoreWritesThanTheRingHoldsAllGoInOrder) {
    BatchedSender sender(GetParam());
    // Each small write takes about a kilobyte of a socket's default buffer.
    constexpr std::size_t sockets = 50;
    std::vector<std::unique_ptr<Pair>> pairs;
    for (std::size_t p = 0; p < sockets; ++p) pairs.push_back(std::make_unique<Pair>(false));
    constexpr std::size_t writes = 1500;                // the ring holds 1024
    std::vector<std::vector<FramePtr>> frames(writes);  // live until send()
    for (std::size_t i = 0; i < writes; ++i) {
        frames[i] = {text_frame(std::to_string(i % 10))};
        sender.add(pairs[i % sockets]->ours, frames[i]);
    }
    std::vector<SendOutcome> out;
    sender.send(out);

    ASSERT_EQ(out.size(), writes);
    for (const SendOutcome& outcome : out) EXPECT_EQ(outcome.result, FrameWrite::done);
    for (std::size_t p = 0; p < sockets; ++p) {
        std::string expected;
        for (std::size_t i = p; i < writes; i += sockets) expected += "H" + std::to_string(i % 10);
        EXPECT_EQ(pairs[p]->read_all(), expected);
    }
}

INSTANTIATE_TEST_SUITE_P(BothPaths, BatchedSenderTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "IoUring" : "Sendmsg"; });

TEST(BatchedSenderMethodTest, SaysHowItWrites) {
    EXPECT_EQ(BatchedSender(false).method(), "sendmsg");
    const BatchedSender uring(true);
    EXPECT_EQ(uring.method().rfind(uring.batching() ? "io_uring" : "sendmsg (io_uring: ", 0), 0u);
}

}  // namespace
}  // namespace mqttws::ws

namespace mqttws::ws {
namespace {

TEST(SendFramesAfterTest, SaysWhenTheKernelTookAllItWasOfferedOfALongerQueue) {
    Pair pair(false);
    // More parts than one sendmsg carries: the first call sends what it can
    // offer and says the rest can follow at once.
    std::vector<FramePtr> frames;
    std::string expected;
    for (int i = 0; i < 100; ++i) {
        frames.push_back(text_frame("frame " + std::to_string(i) + ";"));
        expected += "H" + frames.back()->get_payload();
    }
    const FramePtr* first = frames.data();
    const FramePtr* last = frames.data() + frames.size();
    const PartialSend head = send_frames_after(pair.ours, first, last, 0);
    EXPECT_EQ(head.result, FrameWrite::pending);
    EXPECT_TRUE(head.capped);
    ASSERT_GT(head.written, 0u);
    ASSERT_LT(head.written, expected.size());

    // The rest, from a frame boundary or from inside one.
    std::size_t done = 0;
    std::size_t offset = head.written;
    while (offset >= frames[done]->get_header().size() + frames[done]->get_payload().size()) {
        offset -= frames[done]->get_header().size() + frames[done]->get_payload().size();
        ++done;
    }
    const PartialSend tail = send_frames_after(pair.ours, first + done, last, offset);
    EXPECT_EQ(tail.result, FrameWrite::done);
    EXPECT_FALSE(tail.capped);
    EXPECT_EQ(head.written + tail.written, expected.size());
    EXPECT_EQ(pair.read_all(), expected);
}

TEST(SendFramesAfterTest, AFullSocketIsNotCapped) {
    Pair pair;  // a small send buffer
    const std::vector<FramePtr> frames{text_frame(std::string(1 << 20, 'x'))};
    const PartialSend sent =
        send_frames_after(pair.ours, frames.data(), frames.data() + frames.size(), 1);
    EXPECT_EQ(sent.result, FrameWrite::pending);
    EXPECT_FALSE(sent.capped) << "the kernel took less than it was offered: wait for room";
    EXPECT_EQ(pair.read_all().substr(0, 3), "xxx") << "the first byte (the header) was skipped";
}

}  // namespace
}  // namespace mqttws::ws
