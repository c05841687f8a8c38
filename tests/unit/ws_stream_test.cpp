// WsStream over a socketpair (no network, no bridge): one end is the stream's,
// on an io_context the test runs; the other is the client, which writes masked
// frames by hand and reads the server's frames back. Every wait is a loop on a
// condition with a deadline, never a sleep.
#include "ws/ws_stream.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqttws/ws_frame_parser.hpp"
#include "ws/batched_sender.hpp"
#include "ws/outbound_message.hpp"
#include "ws/write_aware_transport.hpp"

namespace mqttws::ws {
namespace {

using namespace std::chrono_literals;

constexpr ClientId client_id = 7;
// Long enough for a loaded machine, short enough to fail a hung test quickly.
constexpr auto deadline_after = 5s;

// A client frame: masked unless told otherwise.
std::string client_frame(std::uint8_t opcode, const std::string& payload, bool fin = true,
                         bool masked = true) {
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | opcode));
    const unsigned char mask_bit = masked ? 0x80 : 0x00;
    if (payload.size() < 126) {
        out.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | 126));
        out.push_back(static_cast<char>(payload.size() >> 8));
        out.push_back(static_cast<char>(payload.size() & 0xFF));
    } else {
        out.push_back(static_cast<char>(mask_bit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(
                static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xFF));
    }
    const unsigned char key[4] = {0x37, 0xFA, 0x21, 0x3D};
    if (masked) out.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    return out;
}

std::string close_payload(std::uint16_t code, const std::string& reason) {
    std::string out;
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
    return out + reason;
}

struct ServerFrame {
    std::uint8_t opcode = 0;
    bool fin = false;
    bool masked = false;
    std::string payload;

    std::uint16_t close_code() const {
        if (payload.size() < 2) return 0;
        return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                          static_cast<unsigned char>(payload[1]));
    }
    std::string close_reason() const { return payload.size() > 2 ? payload.substr(2) : ""; }
};

// Cuts one server frame off the front of `bytes`, if it is all there.
std::optional<ServerFrame> take_frame(std::string& bytes) {
    if (bytes.size() < 2) return std::nullopt;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    ServerFrame frame;
    frame.fin = (byte(0) & 0x80) != 0;
    frame.opcode = byte(0) & 0x0F;
    frame.masked = (byte(1) & 0x80) != 0;
    std::uint64_t length = byte(1) & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
        if (bytes.size() < 4) return std::nullopt;
        length = (static_cast<std::uint64_t>(byte(2)) << 8) | byte(3);
        header = 4;
    } else if (length == 127) {
        if (bytes.size() < 10) return std::nullopt;
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte(i);
        header = 10;
    }
    if (frame.masked) header += 4;  // a server must not mask; the test says so
    if (bytes.size() < header + length) return std::nullopt;
    frame.payload = bytes.substr(header, length);
    bytes.erase(0, header + length);
    return frame;
}

// What the stream told its owner, in order.
struct Recorder final : StreamEvents {
    struct Message {
        std::string payload;
        bool binary;
    };
    struct Closed {
        int code;
        std::string reason;
        std::string error;
    };

    void on_stream_message(ClientId client, const std::string& payload, bool binary) override {
        EXPECT_EQ(client, client_id);
        log.push_back("message");
        messages.push_back({payload, binary});
    }
    void on_stream_pong(ClientId client) override {
        EXPECT_EQ(client, client_id);
        log.push_back("pong");
    }
    void on_stream_write_done(ClientId client) override {
        EXPECT_EQ(client, client_id);
        log.push_back("write_done");
        if (when_write_done) when_write_done();
    }
    void on_stream_pong_missing(ClientId client) override {
        EXPECT_EQ(client, client_id);
        log.push_back("pong_missing");
    }
    void on_stream_closed(ClientId client, CloseFacts facts) override {
        EXPECT_EQ(client, client_id);
        log.push_back("closed");
        // The reason is a view into the stream: kept as a copy.
        closed.push_back({facts.code, std::string(facts.reason), facts.error});
    }

    std::size_t count(const std::string& event) const {
        std::size_t n = 0;
        for (const std::string& entry : log) n += entry == event;
        return n;
    }

    std::vector<std::string> log;
    std::vector<Message> messages;
    std::vector<Closed> closed;
    std::function<void()> when_write_done;
};

class WsStreamTest : public ::testing::Test {
  protected:
    WsStreamTest() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        server_fd = fds[0];
        client_fd = fds[1];
    }
    ~WsStreamTest() override {
        // The stream (and its descriptor) goes before the io_context.
        stream.reset();
        if (client_fd >= 0) ::close(client_fd);
    }

    // Gives the server end to a stream made with `settings` as they are now.
    void start_stream() {
        stream =
            std::make_shared<WsStream>(io, server_fd, client_id, events, settings, read_buffer);
        stream->start(&direct);
    }

    // Runs the io_context until `done` holds; false at the deadline.
    bool run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + deadline_after;
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            if (io.stopped()) io.restart();
            io.run_one_for(10ms);
        }
        return true;
    }

    // Runs the io_context for `period` (to show that nothing more happens).
    void run_for(std::chrono::milliseconds period) {
        if (io.stopped()) io.restart();
        io.run_for(period);
    }

    void client_send(const std::string& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n =
                ::send(client_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            ASSERT_GT(n, 0) << "client write failed";
            sent += static_cast<std::size_t>(n);
        }
    }

    // Bytes waiting in a socket's receive queue.
    static std::size_t unread(int fd) {
        int bytes = 0;
        EXPECT_EQ(::ioctl(fd, FIONREAD, &bytes), 0);
        return static_cast<std::size_t>(bytes);
    }

    // Reads what the server wrote into `inbox`, running the server meanwhile;
    // false at EOF (sets client_eof).
    bool client_read_some() {
        io.poll();
        if (io.stopped()) io.restart();
        pollfd ready{client_fd, POLLIN, 0};
        if (::poll(&ready, 1, 10) <= 0) return true;
        char buffer[65536];
        const ssize_t n = ::recv(client_fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n == 0) {
            client_eof = true;
            return false;
        }
        if (n > 0) {
            inbox.append(buffer, static_cast<std::size_t>(n));
            client_received += static_cast<std::size_t>(n);
        }
        return true;
    }

    // The server's next frame, or nothing at EOF or the deadline.
    std::optional<ServerFrame> next_frame() {
        const auto deadline = std::chrono::steady_clock::now() + deadline_after;
        for (;;) {
            if (auto frame = take_frame(inbox)) {
                EXPECT_FALSE(frame->masked) << "a server frame must not be masked";
                return frame;
            }
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            if (!client_read_some()) return std::nullopt;
        }
    }

    // Whether the client reads EOF (with nothing before it) within the deadline.
    bool client_reads_eof() {
        const auto deadline = std::chrono::steady_clock::now() + deadline_after;
        while (!client_eof && std::chrono::steady_clock::now() < deadline) client_read_some();
        return client_eof && inbox.empty();
    }

    bool closed_reported() const { return !events.closed.empty(); }

    // The client closes its end; the stream reports its close, once.
    bool client_leaves_and_one_close_is_reported() {
        ::close(client_fd);
        client_fd = -1;
        if (!run_until([&] { return closed_reported(); })) return false;
        run_for(20ms);
        return events.closed.size() == 1;
    }

    boost::asio::io_context io;
    StreamSettings settings;
    std::vector<char> read_buffer = std::vector<char>(64);
    Recorder events;
    DirectWrite direct;
    std::shared_ptr<WsStream> stream;
    int server_fd = -1;  // the stream's once started
    int client_fd = -1;
    std::string inbox;  // the client's bytes read but not yet parsed
    std::size_t client_received = 0;
    bool client_eof = false;
};

TEST_F(WsStreamTest, TextAndBinaryMessagesArriveIntactAcrossReadsAndSplitWrites) {
    start_stream();
    std::string text(1000, '\0');
    for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
    std::string binary(300, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);

    // 1,000 bytes through a 64-byte read buffer.
    client_send(client_frame(ws_opcode::text, text));
    ASSERT_TRUE(run_until([&] { return events.messages.size() == 1; }));

    // A binary message whose frame comes in two writes, the first read alone.
    const std::string frame = client_frame(ws_opcode::binary, binary);
    client_send(frame.substr(0, 150));
    ASSERT_TRUE(run_until([&] { return unread(server_fd) == 0; }));
    run_for(20ms);
    EXPECT_EQ(events.messages.size(), 1u) << "half a frame is no message";
    client_send(frame.substr(150));
    ASSERT_TRUE(run_until([&] { return events.messages.size() == 2; }));

    EXPECT_EQ(events.messages[0].payload, text);
    EXPECT_FALSE(events.messages[0].binary);
    EXPECT_EQ(events.messages[1].payload, binary);
    EXPECT_TRUE(events.messages[1].binary);
    EXPECT_EQ(events.log, (std::vector<std::string>{"message", "message"}));
}

TEST_F(WsStreamTest, FragmentedMessageIsJoined) {
    start_stream();
    client_send(client_frame(ws_opcode::text, "hello, ", false));
    client_send(client_frame(ws_opcode::continuation, "world"));
    ASSERT_TRUE(run_until([&] { return events.messages.size() == 1; }));
    EXPECT_EQ(events.messages[0].payload, "hello, world");
    EXPECT_FALSE(events.messages[0].binary);
}

TEST_F(WsStreamTest, PingIsAnsweredWithPongCarryingItsPayload) {
    start_stream();
    client_send(client_frame(ws_opcode::ping, "are you there"));
    const auto pong = next_frame();
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, ws_opcode::pong);
    EXPECT_TRUE(pong->fin);
    EXPECT_EQ(pong->payload, "are you there");
    EXPECT_TRUE(events.log.empty());
    EXPECT_FALSE(direct.library_writing);
}

TEST_F(WsStreamTest, ClientCloseIsEchoedThenSocketClosedAndReportedOnce) {
    start_stream();
    client_send(client_frame(ws_opcode::close, close_payload(1000, "done here")));

    const auto answer = next_frame();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->opcode, ws_opcode::close);
    EXPECT_EQ(answer->close_code(), 1000);
    EXPECT_TRUE(client_reads_eof());

    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    run_for(20ms);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].code, 1000);
    EXPECT_EQ(events.closed[0].reason, "done here");
    EXPECT_EQ(events.closed[0].error, "");
    EXPECT_EQ(events.log, (std::vector<std::string>{"closed"}));
    EXPECT_EQ(direct.fd, -1);
}

TEST_F(WsStreamTest, ClientCloseWithoutCodeIsAnsweredEmptyAndReportedAs1005) {
    start_stream();
    client_send(client_frame(ws_opcode::close, ""));

    const auto answer = next_frame();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->opcode, ws_opcode::close);
    EXPECT_EQ(answer->payload, "");
    EXPECT_TRUE(client_reads_eof());

    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    run_for(20ms);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].code, 1005);
    EXPECT_EQ(events.closed[0].reason, "");
}

TEST_F(WsStreamTest, ServerCloseEndsWhenTheClientAnswers) {
    start_stream();
    stream->close(1001, "bye");

    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, ws_opcode::close);
    EXPECT_EQ(frame->close_code(), 1001);
    EXPECT_EQ(frame->close_reason(), "bye");
    EXPECT_FALSE(closed_reported()) << "the stream waits for the client's close";

    client_send(client_frame(ws_opcode::close, close_payload(1001, "")));
    EXPECT_TRUE(client_reads_eof());
    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    run_for(20ms);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].code, 1001);
    EXPECT_EQ(events.closed[0].error, "");
    EXPECT_EQ(events.log, (std::vector<std::string>{"closed"}));
}

TEST_F(WsStreamTest, ServerCloseUnansweredEndsAtTheCloseTimeout) {
    settings.close_timeout = 100ms;
    start_stream();
    const auto started = std::chrono::steady_clock::now();
    stream->close(1001, "bye");

    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, ws_opcode::close);
    EXPECT_EQ(frame->close_code(), 1001);

    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    EXPECT_GE(std::chrono::steady_clock::now() - started, settings.close_timeout);
    EXPECT_TRUE(client_reads_eof());
    run_for(20ms);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].code, 1006);
    EXPECT_NE(events.closed[0].error.find("timed out"), std::string::npos)
        << events.closed[0].error;
}

// The client's close frame, then EOF on the client's side while the server's
// socket stays open (the client can still write), then the report once the
// client closes.
class WsStreamProtocolErrorTest : public WsStreamTest {
  protected:
    void expect_failure(const std::string& bytes, std::uint16_t code, const std::string& error) {
        client_send(bytes);
        const auto frame = next_frame();
        ASSERT_TRUE(frame);
        EXPECT_EQ(frame->opcode, ws_opcode::close);
        EXPECT_EQ(frame->close_code(), code);
        EXPECT_TRUE(client_reads_eof()) << "the server shuts its write side";
        EXPECT_TRUE(direct.closing);

        run_for(20ms);
        EXPECT_FALSE(closed_reported()) << "the socket stays open until the client closes";
        EXPECT_GE(direct.fd, 0);
        // The server's end still takes bytes (and drops them).
        client_send("after the error");
        run_for(20ms);
        EXPECT_FALSE(closed_reported());

        ::close(client_fd);
        client_fd = -1;
        ASSERT_TRUE(run_until([&] { return closed_reported(); }));
        run_for(20ms);
        ASSERT_EQ(events.closed.size(), 1u);
        EXPECT_EQ(events.closed[0].code, 1006);
        EXPECT_NE(events.closed[0].error.find(error), std::string::npos) << events.closed[0].error;
        EXPECT_EQ(events.count("message"), 0u);
        EXPECT_EQ(direct.fd, -1);
    }
};

TEST_F(WsStreamProtocolErrorTest, UnmaskedFrameIsClosedWith1002) {
    start_stream();
    expect_failure(client_frame(ws_opcode::text, "plain", true, false), 1002, "protocol error");
}

TEST_F(WsStreamProtocolErrorTest, ReservedOpcodeIsClosedWith1002) {
    start_stream();
    expect_failure(client_frame(0x3, "what"), 1002, "protocol error");
}

TEST_F(WsStreamProtocolErrorTest, InvalidUtf8TextIsClosedWith1007) {
    start_stream();
    expect_failure(client_frame(ws_opcode::text, "bad \xC3\x28 text"), 1007, "UTF-8");
}

TEST_F(WsStreamProtocolErrorTest, MessageOverMaxMessageSizeIsClosedWith1009) {
    settings.max_message_size = 100;
    start_stream();
    expect_failure(client_frame(ws_opcode::binary, std::string(101, 'x')), 1009, "too big");
}

TEST_F(WsStreamTest, ProtocolErrorUnansweredEndsAtTheCloseTimeoutWithTheError) {
    settings.close_timeout = 100ms;
    start_stream();
    client_send(client_frame(ws_opcode::text, "plain", true, false));
    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->close_code(), 1002);
    // The client keeps its end open.
    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    run_for(20ms);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_NE(events.closed[0].error.find("protocol error"), std::string::npos)
        << events.closed[0].error;
    EXPECT_TRUE(client_reads_eof());
}

TEST_F(WsStreamTest, MessageOfExactlyMaxMessageSizeIsAccepted) {
    settings.max_message_size = 100;
    start_stream();
    client_send(client_frame(ws_opcode::binary, std::string(100, 'x')));
    ASSERT_TRUE(run_until([&] { return events.messages.size() == 1; }));
    EXPECT_EQ(events.messages[0].payload.size(), 100u);
}

TEST_F(WsStreamTest, PingAnsweredByPongReportsThePongAndNothingElse) {
    settings.pong_timeout = 100ms;
    start_stream();
    ASSERT_TRUE(stream->ping());

    const auto ping = next_frame();
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->opcode, ws_opcode::ping);

    client_send(client_frame(ws_opcode::pong, ping->payload));
    ASSERT_TRUE(run_until([&] { return events.count("pong") == 1; }));
    // Past the pong timeout: the answered ping is not missed.
    run_for(300ms);
    EXPECT_EQ(events.log, (std::vector<std::string>{"pong"}));
    EXPECT_GE(direct.fd, 0);
}

TEST_F(WsStreamTest, UnansweredPingReportsPongMissingThenClosed) {
    settings.pong_timeout = 100ms;
    start_stream();
    ASSERT_TRUE(stream->ping());
    const auto ping = next_frame();
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->opcode, ws_opcode::ping);

    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    run_for(20ms);
    EXPECT_EQ(events.log, (std::vector<std::string>{"pong_missing", "closed"}));
    EXPECT_FALSE(events.closed[0].error.empty());
    EXPECT_TRUE(client_reads_eof());
}

TEST_F(WsStreamTest, ProtocolErrorAfterOurCloseShutsTheWriteSideAtOnce) {
    start_stream();
    stream->close(1001, "bye");
    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->close_code(), 1001);
    // Instead of its close, the client breaks the protocol: no second close
    // frame, the server's side ends for writing.
    client_send(client_frame(ws_opcode::text, "plain", true, false));
    EXPECT_TRUE(client_reads_eof());
    ASSERT_TRUE(client_leaves_and_one_close_is_reported());
    EXPECT_NE(events.closed[0].error.find("protocol error"), std::string::npos)
        << events.closed[0].error;
}

TEST_F(WsStreamTest, ProtocolErrorKeepsItsReasonWhenThePeerResets) {
    start_stream();
    client_send(client_frame(ws_opcode::text, "plain", true, false));
    ASSERT_TRUE(run_until([&] { return direct.closing; }));
    // The client leaves without reading the close frame: its close resets.
    ASSERT_TRUE(client_leaves_and_one_close_is_reported());
    EXPECT_NE(events.closed[0].error.find("protocol error"), std::string::npos)
        << events.closed[0].error;
}

TEST_F(WsStreamTest, ClientGoneAfterOurCloseIsReportedAs1006WithAnError) {
    start_stream();
    stream->close(1001, "bye");
    ASSERT_TRUE(next_frame());
    ASSERT_TRUE(client_leaves_and_one_close_is_reported());
    EXPECT_EQ(events.closed[0].code, 1006);
    EXPECT_FALSE(events.closed[0].error.empty());
}

TEST_F(WsStreamTest, ClientGoneWithoutCloseFrameIsReportedAs1006) {
    start_stream();
    ASSERT_TRUE(client_leaves_and_one_close_is_reported());
    EXPECT_EQ(events.closed[0].code, 1006);
    EXPECT_FALSE(events.closed[0].error.empty());
    EXPECT_EQ(events.log, (std::vector<std::string>{"closed"}));
}

TEST_F(WsStreamTest, PendingDataGoesOutInOrderBeforeALaterPing) {
    // A send buffer that the first frame fills.
    const int small = 4096;
    ASSERT_EQ(::setsockopt(server_fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    ASSERT_EQ(::setsockopt(client_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    start_stream();

    std::string first(200000, '\0');
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = static_cast<char>(i % 251);
    const std::string second(50000, 's');
    // The kernel takes the small frame whole and part of the next: the
    // stream resumes in the middle of the second frame.
    const std::vector<FramePtr> frames{
        make_prepared_frame(websocketpp::frame::opcode::text, "small"),
        make_prepared_frame(websocketpp::frame::opcode::binary, first),
        make_prepared_frame(websocketpp::frame::opcode::text, second)};
    std::size_t data_bytes = 0;
    for (const FramePtr& frame : frames)
        data_bytes += frame->get_header().size() + frame->get_payload().size();

    // The glue's direct write, which the kernel takes only part of.
    ASSERT_TRUE(direct.writable_directly());
    std::size_t written = 0;
    ASSERT_EQ(send_frames(direct.fd, frames, written), FrameWrite::pending);
    ASSERT_GT(written, frames[0]->get_header().size() + frames[0]->get_payload().size());
    ASSERT_LT(written, data_bytes);

    // When the stream says the data is out, the client has it or can read it.
    std::optional<std::size_t> out_at_write_done;
    events.when_write_done = [&] { out_at_write_done = client_received + unread(client_fd); };

    EXPECT_EQ(stream->write_frames(frames, written), FrameWrite::pending);
    EXPECT_TRUE(direct.library_writing);
    EXPECT_FALSE(direct.writable_directly());
    ASSERT_TRUE(stream->ping());
    EXPECT_TRUE(direct.library_writing);

    const auto small_frame = next_frame();
    ASSERT_TRUE(small_frame);
    EXPECT_EQ(small_frame->opcode, ws_opcode::text);
    EXPECT_EQ(small_frame->payload, "small");
    const auto a = next_frame();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->opcode, ws_opcode::binary);
    EXPECT_TRUE(a->fin);
    EXPECT_TRUE(a->payload == first) << "the first data frame arrived damaged";
    const auto b = next_frame();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->opcode, ws_opcode::text);
    EXPECT_TRUE(b->payload == second) << "the second data frame arrived damaged";
    const auto c = next_frame();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->opcode, ws_opcode::ping);
    EXPECT_TRUE(inbox.empty());

    ASSERT_TRUE(run_until([&] { return !direct.library_writing; }));
    run_for(20ms);
    EXPECT_EQ(events.count("write_done"), 1u);
    ASSERT_TRUE(out_at_write_done);
    EXPECT_GE(*out_at_write_done, data_bytes);
    EXPECT_EQ(unread(client_fd), 0u) << "nothing after the ping";
    EXPECT_TRUE(direct.writable_directly());
    EXPECT_EQ(events.log, (std::vector<std::string>{"write_done"}));
}

// A client that stops reading while the server has data on its way: the
// socket is full and a data write waits in the stream.
class WsStreamStalledClientTest : public WsStreamTest {
  protected:
    void stall() {
        const int small = 4096;
        ASSERT_EQ(::setsockopt(server_fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
        ASSERT_EQ(::setsockopt(client_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
        start_stream();
        frames = {
            make_prepared_frame(websocketpp::frame::opcode::binary, std::string(200000, 'd'))};
        std::size_t written = 0;
        ASSERT_EQ(send_frames(direct.fd, frames, written), FrameWrite::pending);
        ASSERT_EQ(stream->write_frames(frames, written), FrameWrite::pending);
        ASSERT_TRUE(direct.library_writing);
    }
    std::vector<FramePtr> frames;
};

TEST_F(WsStreamStalledClientTest, PingsFromAClientThatDoesNotReadAreAnsweredByOnePong) {
    ASSERT_NO_FATAL_FAILURE(stall());
    for (int i = 0; i < 100; ++i)
        client_send(client_frame(ws_opcode::ping, "ping " + std::to_string(i)));
    run_for(50ms);
    // The client reads again: the data, then one pong, for the latest ping.
    const auto data = next_frame();
    ASSERT_TRUE(data);
    EXPECT_EQ(data->opcode, ws_opcode::binary);
    const auto pong = next_frame();
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, ws_opcode::pong);
    EXPECT_EQ(pong->payload, "ping 99");
    ASSERT_TRUE(run_until([&] { return !direct.library_writing; }));
    client_read_some();
    EXPECT_TRUE(inbox.empty()) << "more than one pong queued";
}

TEST_F(WsStreamStalledClientTest, ACloseFromAClientThatDoesNotReadEndsAtTheCloseTimeout) {
    settings.close_timeout = 100ms;
    ASSERT_NO_FATAL_FAILURE(stall());
    // The answer waits behind the data the client does not read.
    client_send(client_frame(ws_opcode::close, close_payload(1000, "")));
    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    run_for(20ms);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].code, 1000);
    EXPECT_NE(events.closed[0].error.find("timed out"), std::string::npos)
        << events.closed[0].error;
}

TEST_F(WsStreamTest, ClosingStreamRefusesWritesAndForgetsItsDescriptorOnceClosed) {
    start_stream();
    ASSERT_GE(direct.fd, 0);
    EXPECT_FALSE(direct.closing);
    stream->close(1000, "");
    EXPECT_TRUE(direct.closing);
    EXPECT_FALSE(direct.writable_directly());

    const std::vector<FramePtr> frames{make_prepared_frame(websocketpp::frame::opcode::text, "x")};
    EXPECT_EQ(stream->write_frames(frames, 0), FrameWrite::failed);
    EXPECT_FALSE(stream->ping());

    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, ws_opcode::close);
    EXPECT_EQ(frame->close_code(), 1000);
    client_send(client_frame(ws_opcode::close, close_payload(1000, "")));
    ASSERT_TRUE(run_until([&] { return closed_reported(); }));
    EXPECT_EQ(direct.fd, -1);
    EXPECT_TRUE(direct.closing);
    EXPECT_EQ(stream->write_frames(frames, 0), FrameWrite::failed);
    EXPECT_EQ(events.log, (std::vector<std::string>{"closed"}));
}

}  // namespace
}  // namespace mqttws::ws
