// Role: stream. A plain-TCP client's WebSocket connection after its upgrade.
//
// websocketpp answers the HTTP side (the handshake, refusals, the HTTP
// endpoints) and TLS. Once a plain connection's 101 is written, the glue takes
// its socket from websocketpp and the connection lives here until it ends:
// websocketpp's connection object keeps about 5 KB per client (fixed handler
// buffers, its send queue, its parser), idle or not, with no way to release
// it, while an idle WsStream is the descriptor, the frame parser and a few
// fields. Reads go into the shard's one read buffer; only a message still
// incomplete stays here, and only until it is complete.
//
// Writes keep one order. The glue writes data frames straight to the socket
// while nothing waits here (DirectWrite); what the kernel does not take, and
// everything asked for while something waits (control frames: pongs, pings,
// the close), queues here and goes out in order, never inside another frame.
// A data write the glue reported as pending is told to StreamEvents once its
// last byte is out: that is how flow control learns the kernel took it. Data
// is bounded by flow control; control frames are bounded here: a pong still
// waiting is replaced by the next, so a client that pings and does not read
// holds one.
//
// Closing follows RFC 6455 section 7: the side that starts sends a close
// frame and waits for the other's; the server closes TCP first. A protocol
// error sends its close frame, stops reading frames, and closes once the peer
// closes, so the peer can read the frame. Every wait of a closing stream
// (for the peer's close, for room for our answer, for the peer's EOF) ends
// at the close timeout.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqttws/router.hpp"
#include "mqttws/ws_frame_parser.hpp"
#include "ws/connection_log.hpp"
#include "ws/frame.hpp"
#include "ws/write_aware_transport.hpp"

namespace mqttws::ws {

// What a stream tells its owner (on the shard's thread).
class StreamEvents {
  public:
    virtual void on_stream_message(ClientId client, const std::string& payload, bool binary) = 0;
    virtual void on_stream_pong(ClientId client) = 0;
    // A data write reported as pending is out.
    virtual void on_stream_write_done(ClientId client) = 0;
    // The ping went unanswered for the pong timeout; the connection is dropped next.
    virtual void on_stream_pong_missing(ClientId client) = 0;
    // The socket is closed; the stream reports nothing more.
    virtual void on_stream_closed(ClientId client, CloseFacts facts) = 0;

  protected:
    ~StreamEvents() = default;
};

struct StreamSettings {
    std::size_t max_message_size = 64 << 10;
    std::chrono::milliseconds pong_timeout{10000};
    // How long a close frame waits for the peer's answer before TCP is closed.
    std::chrono::milliseconds close_timeout{5000};
};

class WsStream final : public std::enable_shared_from_this<WsStream>, private WsFrameSink {
  public:
    // Takes ownership of `fd`, a connected socket. `read_buffer` is the
    // shard's, shared by its streams (one thread reads them all).
    WsStream(boost::asio::io_context& io, int fd, ClientId client, StreamEvents& events,
             const StreamSettings& settings, std::vector<char>& read_buffer);
    WsStream(const WsStream&) = delete;
    WsStream& operator=(const WsStream&) = delete;

    // Starts reading. `direct` is the session's, updated while it exists.
    void start(DirectWrite* direct);

    // Data frames the glue could not write directly: the first `written`
    // bytes are already out (the glue tried) and the rest waits for room.
    // pending (told by on_stream_write_done), or failed once closing.
    FrameWrite write_frames(const std::vector<FramePtr>& frames, std::size_t written);
    // Sends a close frame and waits for the peer's (open streams only).
    void close(std::uint16_t code, const std::string& reason);
    // Sends a ping and waits for the pong; false when not open.
    bool ping();

  private:
    enum class State : std::uint8_t {
        open,
        closing,   // our close frame is queued: the peer's answer ends it
        replying,  // the peer's close arrived: TCP closes once our answer is out
        failing,   // protocol error: our close frame, then TCP when the peer closes
        closed,
    };
    enum class TimerFor : std::uint8_t { nothing, pong, close };

    // WsFrameSink
    void on_message(const std::string& payload, bool binary) override;
    void on_ping(std::string_view payload) override;
    void on_pong(std::string_view payload) override;
    void on_close(std::uint16_t code, std::string_view reason) override;
    void on_protocol_error(std::uint16_t code, std::string_view reason) override;

    void wait_readable();
    void on_readable(const boost::system::error_code& ec);
    void end_of_input();
    void queue_control(websocketpp::frame::opcode::value opcode, const std::string& payload);
    void flush();
    void wait_writable();
    void drained();
    void arm_timer(TimerFor purpose, std::chrono::milliseconds after);
    void stop_timer();
    void finish(std::string error);
    std::string failure(std::string what);

    boost::asio::posix::stream_descriptor socket_;
    StreamEvents& events_;
    std::vector<char>& read_buffer_;
    const StreamSettings& settings_;
    DirectWrite* direct_ = nullptr;
    WsFrameParser parser_;
    // Frames not yet completely written, in order; `out_written_` bytes of
    // them are out. The first `data_owed_` of them end a pending data write.
    std::vector<FramePtr> out_;
    std::size_t out_written_ = 0;
    std::size_t data_owed_ = 0;
    std::unique_ptr<boost::asio::steady_timer> timer_;  // only while one runs
    std::string peer_reason_;                           // the peer's close reason
    std::string error_;                                 // why a failing stream fails
    ClientId client_;
    std::uint32_t timer_generation_ = 0;
    std::uint16_t peer_code_ = 1006;  // the peer's close code (1006: none yet)
    State state_ = State::open;
    TimerFor timer_for_ = TimerFor::nothing;
    bool waiting_writable_ = false;
};

}  // namespace mqttws::ws
