// Role: stream (see ws_stream.hpp).
#include "ws/ws_stream.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#include "ws/batched_sender.hpp"
#include "ws/outbound_message.hpp"

namespace mqttws::ws {
namespace {

// A stream with more to read (or write) than this yields to the others.
constexpr int max_reads_per_wakeup = 4;
constexpr int max_sends_per_flush = 64;
// Beyond this, the emptied queue's storage is given back: idle streams hold none.
constexpr std::size_t kept_queue_capacity = 4;

}  // namespace

WsStream::WsStream(boost::asio::io_context& io, int fd, ClientId client, StreamEvents& events,
                   const StreamSettings& settings, std::vector<char>& read_buffer)
    : socket_(io, fd),
      events_(events),
      read_buffer_(read_buffer),
      settings_(settings),
      parser_(settings.max_message_size),
      client_(client) {}

void WsStream::start(DirectWrite* direct) {
    direct_ = direct;
    direct_->fd = socket_.native_handle();
    direct_->library_writing = false;
    direct_->closing = false;
    wait_readable();
}

void WsStream::wait_readable() {
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                           self->on_readable(ec);
                       });
}

void WsStream::on_readable(const boost::system::error_code& ec) {
    if (state_ == State::closed) return;
    if (ec) {
        finish(failure(ec.message()));
        return;
    }
    const int fd = socket_.native_handle();
    for (int round = 0; round < max_reads_per_wakeup; ++round) {
        const ssize_t got = ::recv(fd, read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT);
        if (got > 0) {
            // After a close or a protocol error the parser has stopped: the
            // rest is only drained until the peer closes.
            parser_.feed(read_buffer_.data(), static_cast<std::size_t>(got), *this);
            if (state_ == State::closed) return;
            if (static_cast<std::size_t>(got) < read_buffer_.size()) break;
            continue;
        }
        if (got == 0) {
            end_of_input();
            return;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        finish(failure(std::strerror(errno)));
        return;
    }
    wait_readable();
}

void WsStream::end_of_input() {
    switch (state_) {
        case State::open:
            finish("end of file: closed without a close frame");
            return;
        case State::failing:
            finish(std::move(error_));
            return;
        case State::closing:
            finish("end of file: our close frame was not answered");
            return;
        default:
            finish("");
            return;
    }
}

std::string WsStream::failure(std::string what) {
    // After a protocol error, that error is why the connection ended (a
    // reset by the peer, which was told so, is only its consequence).
    return state_ == State::failing ? std::move(error_) : std::move(what);
}

void WsStream::on_message(const std::string& payload, bool binary) {
    // After our close frame the peer may still be sending: nothing more is
    // taken from it.
    if (state_ == State::open) events_.on_stream_message(client_, payload, binary);
}

void WsStream::on_ping(std::string_view payload) {
    if (state_ != State::open && state_ != State::closing) return;
    // A client that pings and does not read must not grow the queue: a pong
    // still waiting is replaced, answering only the latest ping (RFC 6455
    // section 5.5.3 allows that).
    if (!out_.empty() && (out_.size() > 1 || out_written_ == 0) &&
        out_.back()->get_opcode() == websocketpp::frame::opcode::pong) {
        out_.back() = make_prepared_frame(websocketpp::frame::opcode::pong, std::string(payload));
        return;
    }
    queue_control(websocketpp::frame::opcode::pong, std::string(payload));
}

void WsStream::on_pong(std::string_view) {
    if (timer_for_ == TimerFor::pong) stop_timer();
    if (state_ == State::open) events_.on_stream_pong(client_);
}

void WsStream::on_close(std::uint16_t code, std::string_view reason) {
    peer_code_ = code;
    peer_reason_.assign(reason);
    if (state_ == State::closing) {
        // Our close, answered: the server closes TCP first.
        finish("");
        return;
    }
    if (state_ != State::open) return;
    state_ = State::replying;
    if (direct_) direct_->closing = true;
    // A client that does not read would never take the answer.
    arm_timer(TimerFor::close, settings_.close_timeout);
    // The answer echoes the code (none when the peer's close had none).
    queue_control(websocketpp::frame::opcode::close,
                  code == ws_close::no_status ? std::string() : encode_close_payload(code, ""));
}

void WsStream::on_protocol_error(std::uint16_t code, std::string_view reason) {
    if (state_ != State::open && state_ != State::closing) return;
    const bool close_sent = state_ == State::closing;
    state_ = State::failing;
    error_ = "protocol error: " + std::string(reason);
    if (direct_) direct_->closing = true;
    if (close_sent) {
        // Our close frame is queued or out; its timer runs already.
        if (out_.empty()) ::shutdown(socket_.native_handle(), SHUT_WR);
        return;
    }
    queue_control(websocketpp::frame::opcode::close, encode_close_payload(code, reason));
    arm_timer(TimerFor::close, settings_.close_timeout);
}

FrameWrite WsStream::write_frames(const std::vector<FramePtr>& frames, std::size_t written) {
    if (state_ != State::open) return FrameWrite::failed;
    if (out_.empty()) out_written_ = written;
    out_.insert(out_.end(), frames.begin(), frames.end());
    data_owed_ = out_.size();
    if (direct_) direct_->library_writing = true;
    // The glue found no room a moment ago (or something waits already):
    // the rest goes when the socket says it has room.
    wait_writable();
    return FrameWrite::pending;
}

void WsStream::close(std::uint16_t code, const std::string& reason) {
    if (state_ != State::open) return;
    state_ = State::closing;
    if (direct_) direct_->closing = true;
    queue_control(websocketpp::frame::opcode::close, encode_close_payload(code, reason));
    arm_timer(TimerFor::close, settings_.close_timeout);
}

bool WsStream::ping() {
    if (state_ != State::open) return false;
    queue_control(websocketpp::frame::opcode::ping, std::string());
    if (state_ != State::open) return false;  // the write failed
    arm_timer(TimerFor::pong, settings_.pong_timeout);
    return true;
}

void WsStream::queue_control(websocketpp::frame::opcode::value opcode, const std::string& payload) {
    out_.push_back(make_prepared_frame(opcode, payload));
    if (direct_) direct_->library_writing = true;
    // Behind what waits already; alone, it goes now.
    if (out_.size() == 1 && !waiting_writable_) flush();
}

void WsStream::flush() {
    std::size_t complete = 0;           // frames from the front entirely out
    std::size_t offset = out_written_;  // bytes out of the next one
    bool again = true;
    // A long queue (a replay) takes several sendmsg: while the kernel takes
    // all it is offered, the next goes at once.
    for (int round = 0; again && complete < out_.size() && round < max_sends_per_flush; ++round) {
        const FramePtr* queue = out_.data();
        const PartialSend sent = send_frames_after(socket_.native_handle(), queue + complete,
                                                   queue + out_.size(), offset);
        if (sent.result == FrameWrite::failed) {
            finish(failure(std::string("write failed: ") + std::strerror(errno)));
            return;
        }
        offset += sent.written;
        while (complete < out_.size()) {
            const std::size_t size =
                out_[complete]->get_header().size() + out_[complete]->get_payload().size();
            if (offset < size) break;
            offset -= size;
            ++complete;
        }
        again = sent.capped;
    }
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(complete));
    out_written_ = offset;
    const bool data_out = data_owed_ > 0 && complete >= data_owed_;
    data_owed_ = data_owed_ > complete ? data_owed_ - complete : 0;
    if (!out_.empty()) {
        wait_writable();
    } else {
        drained();
        if (state_ == State::closed) return;
    }
    if (data_out) events_.on_stream_write_done(client_);
}

void WsStream::wait_writable() {
    if (waiting_writable_ || state_ == State::closed) return;
    waiting_writable_ = true;
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                           self->waiting_writable_ = false;
                           if (self->state_ == State::closed) return;
                           if (ec) {
                               self->finish(self->failure(ec.message()));
                               return;
                           }
                           self->flush();
                       });
}

void WsStream::drained() {
    if (out_.capacity() > kept_queue_capacity) std::vector<FramePtr>().swap(out_);
    if (direct_) direct_->library_writing = false;
    switch (state_) {
        case State::replying:
            finish("");
            return;
        case State::failing:
            // Our close frame is out: the peer reads it, then closes.
            ::shutdown(socket_.native_handle(), SHUT_WR);
            return;
        default:
            return;
    }
}

void WsStream::arm_timer(TimerFor purpose, std::chrono::milliseconds after) {
    if (state_ == State::closed) return;
    if (!timer_) timer_ = std::make_unique<boost::asio::steady_timer>(socket_.get_executor());
    timer_for_ = purpose;
    // A wait that expired but whose handler has not run yet cannot be
    // cancelled any more: its generation tells it that it is stale.
    const std::uint32_t generation = ++timer_generation_;
    timer_->expires_after(after);  // cancels a wait already under way
    timer_->async_wait(
        [self = shared_from_this(), purpose, generation](const boost::system::error_code& ec) {
            if (ec || self->state_ == State::closed || self->timer_generation_ != generation)
                return;
            self->timer_for_ = TimerFor::nothing;
            if (purpose == TimerFor::pong) {
                self->events_.on_stream_pong_missing(self->client_);
                self->finish("no pong within the pong timeout");
            } else {
                self->finish(self->state_ == State::failing ? std::move(self->error_)
                                                            : "close handshake timed out");
            }
        });
}

void WsStream::stop_timer() {
    timer_for_ = TimerFor::nothing;
    ++timer_generation_;
    timer_.reset();  // cancels its wait
}

void WsStream::finish(std::string error) {
    if (state_ == State::closed) return;
    state_ = State::closed;
    stop_timer();
    boost::system::error_code ignored;
    socket_.close(ignored);  // waits under way end as cancelled
    out_.clear();
    if (direct_) {
        direct_->closing = true;
        direct_->fd = -1;
        direct_ = nullptr;
    }
    // Told from a handler of its own: the owner may be in the middle of a
    // pass over its sessions (a ping, a close) that this one must not leave.
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), error = std::move(error)]() mutable {
                          CloseFacts facts;
                          facts.code = self->peer_code_;
                          facts.reason = self->peer_reason_;
                          facts.error = std::move(error);
                          self->events_.on_stream_closed(self->client_, std::move(facts));
                      });
}

}  // namespace mqttws::ws
