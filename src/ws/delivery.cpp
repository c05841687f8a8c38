// Role: delivery (see delivery.hpp).
#include "ws/delivery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "mqttws/permissions.hpp"

namespace mqttws::ws {

Delivery::Delivery(const WsOptions& options, Counters& counters, SessionIo& io)
    : options_(options),
      counters_(counters),
      io_(io),
      router_(options.max_subscriptions),
      retained_(options.retained_cache) {}

ClientId Delivery::next_id() const {
    const std::size_t slot = free_slots_.empty() ? slots_.size() : free_slots_.back();
    const std::uint32_t generation = slot < slots_.size() ? slots_[slot].generation : 0;
    // Generation 0 never names a live session: id 0 means "no client".
    return (static_cast<ClientId>(generation + 1) << 32) | slot;
}

Session& Delivery::add(std::unique_ptr<Session> session) {
    Session& added = *session;
    const std::size_t slot = added.id() & 0xffffffffu;
    if (!free_slots_.empty() && free_slots_.back() == slot) free_slots_.pop_back();
    if (slot >= slots_.size()) slots_.resize(slot + 1);
    slots_[slot].session = std::move(session);
    slots_[slot].generation = static_cast<std::uint32_t>(added.id() >> 32);
    ++size_;
    router_.add_client(added.id(), added.session_id(), added.form());
    return added;
}

void Delivery::remove(ClientId id) {
    Session* session = find(id);
    if (!session) return;
    if (session->flush_pending) {
        dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), session), dirty_.end());
    }
    router_.remove_client(id);
    const std::size_t slot = id & 0xffffffffu;
    slots_[slot].session.reset();
    free_slots_.push_back(static_cast<std::uint32_t>(slot));
    --size_;
    update_subscription_gauge();
}

void Delivery::deliver(const OutboundMessagePtr& message) {
    const Message& msg = message->message();
    if (retained_.update(message) == RetainedUpdate::full) bump(counters_.retained_cache_full);
    if (router_.route(msg, message->levels(), recipients_) == RouteResult::unknown_session) {
        bump(counters_.dropped_unknown_session);
        spdlog::debug("dropped a message on {}: session {} is not connected", msg.mqtt_topic,
                      *msg.target_session);
        return;
    }
    // Each wire form is resolved once per message, not once per recipient.
    std::array<const FramePtr*, wire_form_count> frames{};
    for (const ClientId id : recipients_) {
        Session* session = find(id);
        if (!session) continue;
        if (!may_receive_targeted(*session, msg)) {
            bump(counters_.dropped_acl);
            spdlog::debug("dropped a message on {} for session {}: outside its permissions",
                          msg.mqtt_topic, session->session_id());
            continue;
        }
        const FramePtr*& frame = frames[static_cast<std::size_t>(session->form())];
        if (!frame) frame = &message->frame(session->form());
        send(*session, *frame, msg.arrival);
    }
}

bool Delivery::may_receive_targeted(const Session& session, const Message& msg) const {
    // Naming a session narrows delivery to it; it never widens what the
    // session may read. Its own reply topic carries answers to its requests.
    const Permissions* permissions = session.permissions();
    if (!msg.target_session || msg.on_reply_topic || !permissions) return true;
    return may_subscribe(*permissions, msg.topic);
}

SendStatus Delivery::send(Session& session, const FramePtr& frame,
                          std::chrono::steady_clock::time_point arrival) {
    if (session.state() == SessionState::closing) return SendStatus::dropped;
    const SendStatus status = session.send(frame, [&] { return io_.kernel_has_room(session); });
    switch (status) {
        case SendStatus::queued:
            if (arrival != std::chrono::steady_clock::time_point{}) {
                counters_.delivery_latency.observe(handoff_clock_.now() - arrival);
            }
            bump(counters_.deliveries);
            bump(counters_.bytes_out, frame->get_payload().size());
            mark(session);
            // Past the bound with nothing in flight: write now rather than
            // at the end of the pass, so the kernel is tried before the
            // session is judged (see OutboundQueue).
            if (!session.queue().write_in_flight() &&
                session.queue().ready_bytes() > options_.max_buffered_bytes) {
                flush(session);
            }
            break;
        case SendStatus::dropped:
            bump(counters_.dropped_slow);
            break;
        case SendStatus::over_limit:
            bump(counters_.closed_slow);
            spdlog::info(
                "session {}: closing slow client (its socket takes no more and over {} "
                "bytes wait for it)",
                session.session_id(), options_.max_buffered_bytes);
            close_slow(session);
            break;
    }
    return status;
}

void Delivery::send_text(Session& session, const std::string& text) {
    send(session, make_prepared_frame(websocketpp::frame::opcode::text, text));
}

SubscribeResult Delivery::subscribe(Session& session, const std::vector<std::string>& filters) {
    const std::vector<std::string> held = router_.filters_of(session.id());
    const SubscribeResult result = router_.subscribe(session.id(), filters);
    if (result != SubscribeResult::ok) return result;
    update_subscription_gauge();
    // Retained state first, then live traffic: both run on this thread, and
    // live frames queue behind the replay, so none overtakes it.
    if (retained_.size() != 0) {
        session.send_later(std::make_unique<RetainedReplay>(
            retained_, retained_.replay(filters, held), session.form()));
        mark(session);
    }
    return result;
}

void Delivery::unsubscribe(Session& session, const std::vector<std::string>& filters) {
    router_.unsubscribe(session.id(), filters);
    update_subscription_gauge();
}

void Delivery::mark(Session& session) {
    if (session.flush_pending) return;
    session.flush_pending = true;
    dirty_.push_back(&session);
}

void Delivery::flush() {
    for (Session* session : dirty_) {
        session->flush_pending = false;
        flush(*session);
    }
    dirty_.clear();
}

void Delivery::flush(Session& session) {
    if (!session.take_write(write_)) return;
    const bool done = io_.write(session, write_);
    write_.clear();
    if (!done) return;
    session.write_done();
    // More than one write holds (a replay, a long burst): the rest after
    // other handlers had their turn.
    if (!session.queue().empty()) io_.continue_later(session);
}

void Delivery::opened(Session& session) {
    session.opened();
    if (session.state() == SessionState::closing) {
        // Judged slow before its handshake completed.
        close_slow(session);
        return;
    }
    flush(session);
}

void Delivery::write_done(ClientId id) {
    Session* session = find(id);
    if (!session) return;
    session->write_done();
    flush(*session);
}

void Delivery::close_slow(Session& session) {
    // Before the 101 is written nothing can be closed: opened() does it.
    if (session.was_open()) io_.close(session, 1008, "slow client: too many bytes queued");
}

void Delivery::resume(ClientId id) {
    if (Session* session = find(id)) flush(*session);
}

void Delivery::update_subscription_gauge() {
    counters_.subscriptions.store(router_.subscription_count(), std::memory_order_relaxed);
}

}  // namespace mqttws::ws
