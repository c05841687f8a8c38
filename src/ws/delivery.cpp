// Role: delivery (see delivery.hpp).
#include "ws/delivery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "mqttws/permissions.hpp"
#include "mqttws/topic_filter.hpp"

namespace mqttws::ws {

Delivery::Delivery(const WsOptions& options, Counters& counters, SessionIo& io,
                   const RetainedStore& retained, const HistoryLog& history)
    : options_(options),
      counters_(counters),
      io_(io),
      router_(options.max_subscriptions),
      retained_(retained),
      history_(history) {}

Session& Delivery::create(std::string session_id, bool protocol, WireForm form, FlowLimits limits) {
    std::size_t slot = slots_.size();
    if (free_slots_.empty()) {
        slots_.emplace_back();
    } else {
        slot = free_slots_.back();
        free_slots_.pop_back();
    }
    // Generation 0 never names a session: id 0 means "no client".
    std::uint32_t& generation = slots_[slot].generation;
    generation = generation == UINT32_MAX ? 1 : generation + 1;
    const ClientId id = (static_cast<ClientId>(generation) << 32) | slot;
    slots_[slot].session =
        std::make_unique<Session>(id, std::move(session_id), protocol, form, limits);
    ++size_;
    Session& session = *slots_[slot].session;
    router_.add_client(id, session.session_id(), form);
    return session;
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
    // Everything the MQTT thread handed over up to handed_through_ has been
    // taken (the inbox keeps its order): marks up to it have done their job.
    if (!marks_.empty()) {
        marks_.erase(std::remove_if(marks_.begin(), marks_.end(),
                                    [&](const ReplayMark& mark) {
                                        return mark.through <= handed_through_ &&
                                               mark.history_through <= handed_history_;
                                    }),
                     marks_.end());
    }
    handed_through_ = std::max(handed_through_, message->store_mark());
    handed_history_ = std::max(handed_history_, message->history_mark());
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
        if (!marks_.empty() && replayed(*session, *message)) continue;
        if (!may_receive_targeted(*session, msg)) {
            bump(counters_.dropped_acl);
            spdlog::debug("dropped a message on {} for session {}: outside its permissions",
                          msg.mqtt_topic, session->session_id());
            continue;
        }
        const FramePtr*& frame = frames[static_cast<std::size_t>(session->form())];
        if (!frame) frame = &message->frame(session->form());
        if (!*frame) continue;
        send(*session, *frame, msg.arrival);
    }
}

bool Delivery::replayed(const Session& session, const OutboundMessage& message) const {
    const auto matches_any = [&](const std::vector<std::string>& filters) {
        return std::any_of(filters.begin(), filters.end(), [&](const std::string& filter) {
            return topic_matches(filter, message.message().topic);
        });
    };
    const bool retained = message.message().retain;
    const auto& kept = message.history();
    for (const ReplayMark& mark : marks_) {
        if (mark.client != session.id()) continue;
        const bool served = (retained && message.store_mark() <= mark.through) ||
                            (kept && kept->sequence <= mark.history_through);
        if (served && matches_any(mark.added) && !matches_any(mark.held)) return true;
    }
    return false;
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
    const SendStatus status =
        session.send(frame, pass_, [&] { return io_.kernel_has_room(session); });
    switch (status) {
        case SendStatus::queued:
            if (arrival != std::chrono::steady_clock::time_point{}) {
                counters_.delivery_latency.observe(handoff_clock_.now() - arrival);
            }
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

SubscribeResult Delivery::subscribe(Session& session, const std::vector<std::string>& filters,
                                    const ClientRequest* request, const Answer& answer) {
    const std::vector<std::string> held = router_.filters_of(session.id());
    SubscribeResult result = SubscribeResult::ok;
    SubscribeAnswer told;
    told.recovering = request && !request->since.empty();
    told.positions_given = request && request->recover && history_.enabled();
    // The interest grows under the stores' locks (retained, then history):
    // the replays serve exactly what will not reach this session live.
    std::uint64_t history_through = 0;
    const std::uint64_t through = retained_.subscribe([&] {
        history_through = history_.subscribe(
            [&] { result = router_.subscribe(session.id(), filters); }, filters,
            told.positions_given ? &told.positions : nullptr, &told.positions_complete);
    });
    if (result != SubscribeResult::ok) return result;
    update_subscription_gauge();
    if (told.recovering) plan(told, filters, *request);
    if (answer) answer(told);
    // What is owed first, then live traffic: both run on this thread, and
    // live frames queue behind the replays, so none overtakes them. A client
    // that recovered has the retained state already; one that did not gets
    // it, to start again from.
    const bool recovered = told.recovering && told.plan.recovered;
    if (through > handed_through_ || (recovered && history_through > handed_history_)) {
        marks_.push_back({session.id(), recovered ? 0 : through, recovered ? history_through : 0,
                          filters, held});
    }
    std::unique_ptr<FrameSource> replay;
    if (recovered) {
        if (!told.plan.items.empty()) {
            replay = std::make_unique<HistoryReplay>(history_, std::move(told.plan.items),
                                                     history_through, filters, session.form());
        }
    } else {
        auto retained = std::make_unique<RetainedReplay>(
            retained_, retained_.replay(filters, held, through), session.form());
        if (!retained->empty()) replay = std::move(retained);
    }
    if (replay) {
        session.send_later(std::move(replay));
        mark(session);
    }
    return result;
}

void Delivery::plan(SubscribeAnswer& told, const std::vector<std::string>& filters,
                    const ClientRequest& request) {
    if (!history_.enabled()) {
        told.plan.recovered = false;
        told.plan.reason = RecoveryStatus::not_kept;
    } else if (!told.positions_complete) {
        // More streams than an answer holds: completeness cannot be shown.
        told.plan.recovered = false;
        told.plan.reason = RecoveryStatus::trimmed;
    } else {
        told.plan = plan_recovery(history_, filters, told.positions, request.since);
    }
    bump(told.plan.recovered ? counters_.recoveries_succeeded : counters_.recoveries_failed);
}

void Delivery::unsubscribe(Session& session, const std::vector<std::string>& filters) {
    router_.unsubscribe(session.id(), filters);
    session.drop_filters(filters);
    update_subscription_gauge();
}

void Delivery::close(Session& session, std::uint16_t code, const std::string& reason) {
    session.close();
    if (session.was_open()) io_.close(session, code, reason);
}

void Delivery::mark(Session& session) {
    if (session.flush_pending) return;
    session.flush_pending = true;
    dirty_.push_back(&session);
}

void Delivery::flush() {
    std::size_t count = 0;
    for (Session* session : dirty_) {
        session->flush_pending = false;
        if (pass_writes_.size() == count) pass_writes_.emplace_back();
        PassWrite& write = pass_writes_[count];
        if (!take_write(*session, write.frames)) continue;
        write.session = session;
        ++count;
    }
    dirty_.clear();
    if (count == 0) return;
    io_.write_pass(pass_writes_.data(), count);
    for (std::size_t i = 0; i < count; ++i) {
        PassWrite& write = pass_writes_[i];
        write.frames.clear();
        settle(*write.session, write.result, write.written);
    }
}

void Delivery::flush(Session& session) {
    if (!take_write(session, write_)) return;
    std::size_t written = 0;
    const FrameWrite result = io_.write(session, write_, written);
    write_.clear();
    settle(session, result, written);
}

bool Delivery::take_write(Session& session, std::vector<FramePtr>& frames) {
    if (!session.take_write(frames, pass_)) return false;
    std::uint64_t bytes = 0;
    for (const FramePtr& frame : frames) bytes += frame->get_payload().size();
    bump(counters_.deliveries, frames.size());
    bump(counters_.bytes_out, bytes);
    return true;
}

void Delivery::settle(Session& session, FrameWrite result, std::size_t written) {
    switch (result) {
        case FrameWrite::done:
            session.write_done();
            // More than one write holds (a replay, a long burst): the rest
            // after other handlers had their turn.
            if (!session.queue().empty()) io_.continue_later(session);
            return;
        case FrameWrite::pending:
            session.wrote(written);
            return;
        case FrameWrite::failed:
            // Broken or closing: its close handler follows; queue nothing more.
            session.close();
            return;
    }
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

void Delivery::resume_all() {
    for (auto& slot : slots_) {
        if (slot.session) flush(*slot.session);
    }
}

void Delivery::update_subscription_gauge() {
    counters_.subscriptions.store(router_.subscription_count(), std::memory_order_relaxed);
}

}  // namespace mqttws::ws
