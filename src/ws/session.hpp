// Role: session. One WebSocket client as the shard sees it: who it is, the
// state of its connection, and its outbound queue under flow control. Not a
// template and owns no socket: the connection is an opaque handle that only
// the glue (BasicShard) knows how to use, so sessions are tested
// without sockets.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqttws/permissions.hpp"
#include "mqttws/router.hpp"
#include "ws/outbound_queue.hpp"
#include "ws/write_aware_transport.hpp"

namespace mqttws::ws {

enum class SessionState : std::uint8_t {
    handshaking,  // admitted, its 101 response not yet written: frames wait
    open,         // frames flow
    closing,      // being closed: nothing more is queued
};

class Session {
  public:
    Session(ClientId id, std::string session_id, bool protocol, WireForm form, FlowLimits limits);

    ClientId id() const { return id_; }
    const std::string& session_id() const { return session_id_; }
    bool protocol() const { return protocol_; }
    WireForm form() const { return form_; }
    SessionState state() const { return state_; }
    bool was_open() const { return was_open_; }

    // Offers one frame during delivery pass `pass`. `kernel_has_room`
    // (bool()) answers whether the client's socket would take more bytes
    // now; it is asked only when the flow-control rule needs it, and never
    // before the session is open.
    // over_limit leaves the session closing with its queue emptied.
    template <typename Probe>
    SendStatus send(FramePtr frame, std::uint64_t pass, Probe&& kernel_has_room) {
        if (state_ == SessionState::closing) return SendStatus::dropped;
        const SendStatus status = queue_.admit(frame_bytes(frame), pass, [&] {
            return state_ == SessionState::open && kernel_has_room();
        });
        accept(std::move(frame), status);
        return status;
    }
    // Queues frames made on demand (a replay) behind what is queued now.
    void send_later(std::unique_ptr<FrameSource> source);

    // The handshake response is written: queued frames may be written now.
    void opened();
    // Stops all sending: the queue is emptied and nothing more is taken.
    void close();

    // The frames of the next write (see OutboundQueue::take_write); never
    // before the session is open.
    bool take_write(std::vector<FramePtr>& out, std::uint64_t pass);
    // The kernel took `bytes` of the write in flight at once.
    void wrote(std::uint64_t bytes) { queue_.wrote(bytes); }
    void write_done() { queue_.write_done(); }
    // Unsubscribed: replays still under way yield nothing more for these.
    void drop_filters(const std::vector<std::string>& filters) { queue_.drop_filters(filters); }
    const OutboundQueue& queue() const { return queue_; }

    // Frames dropped for slowness and not yet reported to the client.
    std::uint64_t missed() const { return missed_; }
    // Frames taken for writing (for the close log).
    std::uint64_t delivered() const { return delivered_; }

    // Who the client is, with --auth token|jwt: its limits, its user, and
    // the timer of its credential's expiry. Apart, so that without --auth an
    // idle session carries none of it.
    struct Identity {
        Permissions permissions;
        std::string user;
        std::unique_ptr<boost::asio::steady_timer> expiry;
        bool expired = false;
    };
    // Null: no limits but --allow-publish.
    const Permissions* permissions() const { return identity ? &identity->permissions : nullptr; }
    const std::string& user() const;
    bool expired() const { return identity && identity->expired; }

    // Facts about the client, for permissions, logs and events.
    std::string remote;
    std::string path;  // the request's path (its query may hold credentials)
    std::chrono::steady_clock::time_point since;
    std::unique_ptr<Identity> identity;
    // websocketpp restarts the pong timer on every ping: while one is
    // unanswered, no new ping, or a pong timeout above the ping interval
    // would never fire.
    bool awaiting_pong = false;
    // The connection: websocketpp's, or the WsStream a plain connection
    // moves to once its upgrade is done (direct.streamed); the glue alone
    // knows which type it is.
    std::shared_ptr<void> connection;
    // What the glue needs to write this client's socket without touching
    // the connection (see write_aware_transport.hpp).
    DirectWrite direct;
    // Listed for the flush at the end of the current pass.
    bool flush_pending = false;
    // The connect event went out, so the disconnect event goes out too.
    bool connect_announced = false;

  private:
    void accept(FramePtr frame, SendStatus status);

    ClientId id_;
    std::string session_id_;
    bool protocol_;
    WireForm form_;
    SessionState state_ = SessionState::handshaking;
    bool was_open_ = false;
    OutboundQueue queue_;
    std::uint64_t missed_ = 0;
    std::uint64_t delivered_ = 0;
};

}  // namespace mqttws::ws
