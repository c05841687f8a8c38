// Role: websocketpp glue. The asio transport with one writer per socket for
// two sources: websocketpp's own frames (the 101 response, pings, pongs,
// closes) and the sessions' data frames, which bypass websocketpp's queue.
//
// A plain connection leaves websocketpp once its 101 is out (ws_stream.hpp),
// so the data frames written here are those of TLS connections: by asio's
// async_write, whose completion is told to the WriteListener, which is how
// flow control learns that the kernel has accepted a client's bytes. The two
// sources never interleave: a write of one waits for the other's in flight,
// then starts.
//
// websocketpp calls `transport_con_type::async_write` by its qualified name,
// so a transport whose connection type derives from asio's and hides those
// overloads sees every write websocketpp makes. `init` is hidden the same
// way, to bound the TLS handshake by --handshake-timeout.
#pragma once

#include <boost/asio/write.hpp>
#include <memory>
#include <utility>
#include <vector>
#include <websocketpp/transport/asio/connection.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>
#include <websocketpp/transport/asio/security/base.hpp>

#include "mqttws/subscription_index.hpp"
#include "ws/descriptor_reserve.hpp"
#include "ws/frame.hpp"

namespace mqttws::ws {

// Told when an asynchronous write of a connection's data frames completes
// (on the shard's thread).
class WriteListener {
  public:
    virtual void on_write_done(ClientId client) = 0;

  protected:
    ~WriteListener() = default;
};

// What the glue needs to write a session's frames itself, kept in the
// session (warm, so a fan-out to thousands never touches their connection
// objects) and updated by its connection while the session exists.
struct DirectWrite {
    int fd = -1;                   // a WsStream's socket; -1: TLS, not open, or closed
    bool closing = false;          // a close frame is sent or queued
    bool library_writing = false;  // a write of websocketpp's (or the stream's) waits or runs
    bool streamed = false;         // the connection is a WsStream, websocketpp's is gone

    // Whether a data write may go straight to the socket now.
    bool writable_directly() const { return !closing && fd >= 0 && !library_writing; }
};

template <typename TransportConfig>
class WriteAwareEndpoint;

template <typename TransportConfig>
class WriteAwareConnection : public websocketpp::transport::asio::connection<TransportConfig> {
    using base = websocketpp::transport::asio::connection<TransportConfig>;
    using buffer = websocketpp::transport::buffer;
    using write_handler = websocketpp::transport::write_handler;
    using init_handler = websocketpp::transport::init_handler;

  public:
    using base::base;
    WriteAwareConnection(const WriteAwareConnection&) = delete;
    WriteAwareConnection& operator=(const WriteAwareConnection&) = delete;

    // A connection accepted on a reserved descriptor gives it back, after
    // closing its socket: the reserve reopens the number the socket held.
    ~WriteAwareConnection() {
        if (!descriptor_loan) return;
        websocketpp::lib::asio::error_code ignored;
        base::get_raw_socket().close(ignored);
        descriptor_loan->refill();
    }

    // Once the glue took the socket (a plain connection after its upgrade,
    // see ws_stream.hpp), websocketpp's next read is never started: its
    // handler, which holds the connection, is dropped, and so the
    // connection object goes.
    void async_read_at_least(std::size_t num_bytes, char* buf, std::size_t len,
                             websocketpp::transport::read_handler handler) {
        if (handed_over) return;
        base::async_read_at_least(num_bytes, buf, len, std::move(handler));
    }

    // websocketpp's writes.
    void async_write(const char* data, std::size_t size, write_handler handler) {
        library_write({buffer(data, size)}, std::move(handler));
    }
    void async_write(std::vector<buffer> const& bufs, write_handler handler) {
        library_write(bufs, std::move(handler));
    }

    // websocketpp ends the connection. No data frame may follow, and on TLS
    // the shutdown (which writes close_notify) must not overlap our write:
    // cancel it and shut down once it has returned.
    void async_shutdown(websocketpp::transport::shutdown_handler handler) {
        if (direct) direct->closing = true;
        if (frames_in_flight_ && base::is_secure()) {
            deferred_shutdown_ = std::move(handler);
            websocketpp::lib::asio::error_code ignored;
            base::get_raw_socket().cancel(ignored);
            return;
        }
        base::async_shutdown(std::move(handler));
    }

    // Our data frames. One write at a time: after `pending`, the next call
    // waits for on_write_done.
    FrameWrite write_frames(const std::vector<FramePtr>& frames) {
        if (library_in_flight_ || frames_in_flight_) {
            // Right after the write in flight completes.
            waiting_.insert(waiting_.end(), frames.begin(), frames.end());
            return FrameWrite::pending;
        }
        start_frames(frames);
        return FrameWrite::pending;
    }

    // The shard's client behind this connection; 0 once it is forgotten
    // (or never admitted).
    ClientId client_id = 0;
    WriteListener* listener = nullptr;
    // The session's DirectWrite while the session exists.
    DirectWrite* direct = nullptr;
    // Set when accepted on a descriptor lent by the reserve (AcceptLoop).
    DescriptorReserve* descriptor_loan = nullptr;
    // The socket went to a WsStream: websocketpp reads nothing more.
    bool handed_over = false;

  protected:
    // websocketpp's limit on the TLS handshake is a compile-time constant
    // (timeout_socket_post_init, off in server_config.hpp); this one is
    // --handshake-timeout. Whichever of the timer and the handshake ends
    // first answers websocketpp; the other finds nothing left to do.
    void init(init_handler callback) {
        if (!base::is_secure() || tls_handshake_timeout_ <= 0) {
            base::init(std::move(callback));
            return;
        }
        auto pending = std::make_shared<init_handler>(std::move(callback));
        auto timer = base::set_timer(
            tls_handshake_timeout_, [this, pending](const websocketpp::lib::error_code& ec) {
                if (ec || !*pending) return;  // cancelled: the handshake ended first
                const init_handler handler = std::exchange(*pending, nullptr);
                // The handshake then ends as failed, and the callback below ignores it.
                websocketpp::lib::asio::error_code ignored;
                base::get_raw_socket().cancel(ignored);
                namespace socket = websocketpp::transport::asio::socket;
                handler(socket::make_error_code(socket::error::tls_handshake_timeout));
            });
        base::init([timer, pending](const websocketpp::lib::error_code& ec) {
            timer->cancel();
            if (!*pending) return;  // timed out already
            std::exchange(*pending, nullptr)(ec);
        });
    }

  private:
    friend class WriteAwareEndpoint<TransportConfig>;

    void start_frames(const std::vector<FramePtr>& frames) {
        in_flight_frames_ = frames;
        async_buffers_.clear();
        for (const FramePtr& frame : in_flight_frames_) {
            for (const std::string* part : {&frame->get_header(), &frame->get_payload()}) {
                if (!part->empty()) async_buffers_.emplace_back(part->data(), part->size());
            }
        }
        frames_in_flight_ = true;
        boost::asio::async_write(
            base::get_socket(), async_buffers_,
            [this, self = base::get_shared()](const boost::system::error_code& ec, std::size_t) {
                frames_in_flight_ = false;
                in_flight_frames_.clear();
                async_buffers_.clear();
                if (deferred_shutdown_) {
                    base::async_shutdown(std::move(deferred_shutdown_));
                    deferred_shutdown_ = nullptr;
                }
                if (ec) {
                    // The socket is broken (or shut down by websocketpp): its
                    // read fails too. Drop websocketpp's waiting write: its
                    // handler holds the connection, which holds the handler.
                    deferred_handler_ = nullptr;
                    deferred_.clear();
                    return;
                }
                if (deferred_handler_) {
                    // websocketpp asked meanwhile (e.g. a pong or its close).
                    write_handler handler = std::move(deferred_handler_);
                    deferred_handler_ = nullptr;
                    start_library_write(std::move(deferred_), std::move(handler));
                } else if (!waiting_.empty()) {
                    start_waiting();
                    return;
                }
                if (listener && client_id != 0) listener->on_write_done(client_id);
            });
    }

    void start_waiting() {
        std::vector<FramePtr> frames = std::move(waiting_);
        waiting_.clear();
        start_frames(frames);
    }

    void library_write(std::vector<buffer> bufs, write_handler handler) {
        if (direct) {
            direct->library_writing = true;
            // Frames (not the 101): a close frame ends data frames for good.
            for (std::size_t i = 0; bufs.size() > 1 && i < bufs.size(); i += 2) {
                if (bufs[i].len > 0 && (bufs[i].buf[0] & 0x0F) == 0x8) direct->closing = true;
            }
        }
        if (frames_in_flight_) {
            deferred_ = std::move(bufs);
            deferred_handler_ = std::move(handler);
            return;
        }
        start_library_write(std::move(bufs), std::move(handler));
    }

    void start_library_write(std::vector<buffer> bufs, write_handler handler) {
        library_in_flight_ = true;
        base::async_write(
            bufs, [this, handler = std::move(handler)](websocketpp::lib::error_code const& ec) {
                library_in_flight_ = false;
                handler(ec);  // may start websocketpp's next write
                if (!library_in_flight_ && direct) direct->library_writing = false;
                if (!ec && !waiting_.empty() && !library_in_flight_) start_waiting();
            });
    }

    bool library_in_flight_ = false;
    bool frames_in_flight_ = false;
    std::vector<FramePtr> in_flight_frames_;  // keeps the async write's bytes alive
    std::vector<boost::asio::const_buffer> async_buffers_;
    std::vector<FramePtr> waiting_;  // frames behind websocketpp's write
    std::vector<buffer> deferred_;   // websocketpp's write behind ours
    write_handler deferred_handler_;
    websocketpp::transport::shutdown_handler deferred_shutdown_;  // TLS, behind ours
    long tls_handshake_timeout_ = 0;                              // ms; 0: none
};

template <typename TransportConfig>
class WriteAwareEndpoint : public websocketpp::transport::asio::endpoint<TransportConfig> {
    using base = websocketpp::transport::asio::endpoint<TransportConfig>;

  public:
    using transport_con_type = WriteAwareConnection<TransportConfig>;

    // For the connections accepted from now on (see WriteAwareConnection::init).
    void set_tls_handshake_timeout(long milliseconds) { tls_handshake_timeout_ = milliseconds; }

  protected:
    // websocketpp calls `transport_type::init` by its qualified name for every
    // new connection, so this one hides asio's and sees them all.
    websocketpp::lib::error_code init(std::shared_ptr<transport_con_type> connection) {
        connection->tls_handshake_timeout_ = tls_handshake_timeout_;
        return base::init(connection);
    }

  private:
    long tls_handshake_timeout_ = 0;
};

}  // namespace mqttws::ws
