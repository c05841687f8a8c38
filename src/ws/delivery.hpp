// Role: delivery. A shard's sessions, who receives what, and when bytes are
// handed to sockets. One pass takes every message the inbox holds; each is
// routed once and its frame resolved once per wire form; each recipient's
// session queues it under flow control. At the end of the pass every session
// that received something is flushed once: one write per socket per pass
// (the "cork"). When a write completes the session's next frames go at once,
// and a replay is pulled only then, as fast as the socket drains.
//
// Not a template: the socket side is reached through SessionIo, which the
// websocketpp glue implements.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqttws/client_request.hpp"
#include "mqttws/router.hpp"
#include "ws/counters.hpp"
#include "ws/handoff_clock.hpp"
#include "ws/outbound_message.hpp"
#include "ws/recovery.hpp"
#include "ws/retained_replay.hpp"
#include "ws/session.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

// One session's write of a delivery pass, and what became of it.
struct PassWrite {
    Session* session = nullptr;
    std::vector<FramePtr> frames;
    FrameWrite result = FrameWrite::done;
    std::size_t written = 0;  // pending: the bytes the kernel took
};

// What delivery needs from a session's connection.
class SessionIo {
  public:
    // Writes `frames` now. done: the kernel took every byte. pending: it took
    // `written` bytes, and the glue calls Delivery::write_done once the rest
    // is out. failed: the socket is broken or closing.
    virtual FrameWrite write(Session& session, const std::vector<FramePtr>& frames,
                             std::size_t& written) = 0;
    // The writes of a pass, each as write() would do it, setting `result`
    // and `written`; the glue may hand them to the kernel together.
    virtual void write_pass(PassWrite* writes, std::size_t count) {
        for (PassWrite* w = writes; w != writes + count; ++w) {
            w->result = write(*w->session, w->frames, w->written);
        }
    }
    // Calls Delivery::resume for the session from a later handler, so one
    // client with much to send does not hold the thread (a replay).
    virtual void continue_later(Session& session) = 0;
    // Whether the kernel would take more of this session's bytes now.
    virtual bool kernel_has_room(const Session& session) = 0;
    // Starts the closing handshake (only for a session that was opened).
    virtual void close(Session& session, std::uint16_t code, const std::string& reason) = 0;
    // Sends a ping; false when the connection cannot take one.
    virtual bool ping(Session& session) = 0;

  protected:
    ~SessionIo() = default;
};

class Delivery {
  public:
    // `retained` and `history` are the process's (they outlive every shard).
    Delivery(const WsOptions& options, Counters& counters, SessionIo& io,
             const RetainedStore& retained, const HistoryLog& history);
    Delivery(const Delivery&) = delete;
    Delivery& operator=(const Delivery&) = delete;

    // A new session. Its id is a slot in the session table (low 32 bits)
    // and that slot's generation (high bits): finding a session is an
    // index, and an id outlives its session harmlessly.
    Session& create(std::string session_id, bool protocol, WireForm form, FlowLimits limits);
    Session* find(ClientId id) {
        const std::size_t slot = id & 0xffffffffu;
        Session* session = slot < slots_.size() ? slots_[slot].session.get() : nullptr;
        return session && session->id() == id ? session : nullptr;
    }
    void remove(ClientId id);
    std::size_t size() const { return size_; }
    template <typename F>
    void for_each(F&& f) {
        for (auto& slot : slots_) {
            if (slot.session) f(*slot.session);
        }
    }
    Router& router() { return router_; }
    const Router& router() const { return router_; }

    // One broker message of the current pass.
    void deliver(const OutboundMessagePtr& message);
    // A frame for one session (answers, notices); `arrival` is when the
    // broker message behind it arrived, for the latency histogram.
    SendStatus send(Session& session, const FramePtr& frame,
                    std::chrono::steady_clock::time_point arrival = {});
    void send_text(Session& session, const std::string& text);
    // Adds filters, then replays the retained state they match and the
    // session's other filters did not (streamed, see RetainedReplay); or,
    // for a request with "since" that can be recovered, what the client
    // missed instead (HistoryReplay). `answer` runs once the subscription is
    // made and before anything is queued for it (the ack goes first).
    struct SubscribeAnswer {
        bool recovering = false;         // "since" was given
        RecoveryPlan plan;               // when recovering
        bool positions_given = false;    // "recover" asked, and history is on
        bool positions_complete = true;  // false: over HistoryLog::max_positions
        Positions positions;
    };
    using Answer = std::function<void(const SubscribeAnswer&)>;
    SubscribeResult subscribe(Session& session, const std::vector<std::string>& filters,
                              const ClientRequest* request = nullptr, const Answer& answer = {});
    void unsubscribe(Session& session, const std::vector<std::string>& filters);
    // The bridge closes the client: nothing more is queued for it.
    void close(Session& session, std::uint16_t code, const std::string& reason);

    // Every session that received frames since the last flush, once each.
    void flush();
    // The session's 101 is written: what waited for it goes out now.
    void opened(Session& session);
    // The kernel took the whole of a session's last write.
    void write_done(ClientId id);
    // Writes what the session has, if no write is in flight (continue_later).
    void resume(ClientId id);
    // The same for every session (replays that waited can go on).
    void resume_all();

    // A new delivery pass (flow control judges by pass; the latency clock is
    // read afresh, see HandoffClock).
    void start_pass() {
        ++pass_;
        handoff_clock_.restart();
    }

  private:
    bool may_receive_targeted(const Session& session, const Message& msg) const;
    // Whether a replay already gave `session` this message.
    bool replayed(const Session& session, const OutboundMessage& message) const;
    // Decides what a subscription with "since" is owed.
    void plan(SubscribeAnswer& told, const std::vector<std::string>& filters,
              const ClientRequest& request);
    void mark(Session& session);
    void flush(Session& session);
    // Takes what `session` has to write into `frames` (false: nothing now).
    bool take_write(Session& session, std::vector<FramePtr>& frames);
    void settle(Session& session, FrameWrite result, std::size_t written);
    void update_subscription_gauge();
    void close_slow(Session& session);

    const WsOptions& options_;
    Counters& counters_;
    SessionIo& io_;
    Router router_;
    const RetainedStore& retained_;
    const HistoryLog& history_;
    // A subscription whose replay served the retained messages up to
    // `through`: a live copy of one of them may still be in this shard's
    // inbox (handed over before the subscription, or by the MQTT thread
    // between its routing and its post), and must not reach the session
    // twice. Kept until the inbox has caught up past `through`.
    // The same for a recovery, up to `history_through`.
    struct ReplayMark {
        ClientId client = 0;
        std::uint64_t through = 0;
        std::uint64_t history_through = 0;
        std::vector<std::string> added;
        std::vector<std::string> held;
    };
    std::vector<ReplayMark> marks_;
    // The highest store and history marks among the messages this shard has taken.
    std::uint64_t handed_through_ = 0;
    std::uint64_t handed_history_ = 0;
    struct Slot {
        std::unique_ptr<Session> session;
        std::uint32_t generation = 0;
    };
    // Declared after the store: sessions' replays read it until they go.
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::size_t size_ = 0;
    std::vector<Session*> dirty_;
    std::vector<ClientId> recipients_;
    std::vector<FramePtr> write_;
    std::vector<PassWrite> pass_writes_;  // reused, frames' capacity with them
    HandoffClock handoff_clock_;
    std::uint64_t pass_ = 1;
};

}  // namespace mqttws::ws
