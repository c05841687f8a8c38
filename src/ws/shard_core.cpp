// Role: shard core (see shard_core.hpp).
#include "ws/shard_core.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "mqttws/envelope_encoder.hpp"
#include "mqttws/session_id.hpp"

namespace mqttws::ws {

namespace {

constexpr std::uint16_t close_going_away = 1001;

WireForm form_for(bool protocol, bool send_msg) {
    if (protocol) return WireForm::envelope;
    return send_msg ? WireForm::msg_json : WireForm::payload;
}

std::string path_of(const std::string& resource) {
    return resource.substr(0, resource.find('?'));
}

}  // namespace

ShardCore::ShardCore(unsigned index, ShardContext context, boost::asio::io_context& io,
                     SessionIo& io_side)
    : index_(index),
      context_(std::move(context)),
      options_(context_.options),
      io_(io),
      io_side_(io_side),
      shutdown_timer_(io),
      ping_timer_(io),
      delivery_(options_, counters_, io_side, context_.retained, context_.history),
      protocol_ops_(options_, counters_, delivery_, context_.publisher,
                    [this](std::function<void()> task) { post_task(std::move(task)); }),
      inbox_(io) {}

void ShardCore::post_task(std::function<void()> task) {
    inbox_.push({nullptr, std::move(task)});
}

void ShardCore::post_message(OutboundMessagePtr message) {
    inbox_.push({std::move(message), nullptr});
}

void ShardCore::post_status(bool mqtt_connected) {
    post_task([this, mqtt_connected] {
        const std::string frame = encode_status(mqtt_connected);
        delivery_.for_each([&](Session& session) {
            if (session.protocol()) delivery_.send_text(session, frame);
        });
    });
}

void ShardCore::post_retained_ready() {
    post_task([this] { delivery_.resume_all(); });
}

void ShardCore::run_pass(std::vector<InboxItem>& items) {
    delivery_.start_pass();
    for (InboxItem& item : items) {
        // One item's failure must not lose the rest of the burst.
        try {
            if (item.message) {
                delivery_.deliver(item.message);
            } else {
                item.task();
            }
        } catch (const std::exception& e) {
            spdlog::error("shard {}: unexpected exception in a delivery pass: {}", index_,
                          e.what());
        }
    }
    items.clear();
    delivery_.flush();
}

HandshakeResult ShardCore::decide(const HandshakeRequest& request) {
    HandshakeResult result =
        decide_handshake(request, options_, shutting_down_ || context_.state.draining.load());
    if (std::holds_alternative<Refusal>(result)) return result;
    if (context_.state.connections.fetch_add(1) >= options_.max_connections) {
        context_.state.connections.fetch_sub(1);
        return Refusal{RefusalKind::too_many_connections, 503, "too many connections", {}};
    }
    return result;
}

void ShardCore::count_refusal(RefusalKind kind) {
    switch (kind) {
        case RefusalKind::shutting_down:
            return bump(counters_.refused_shutting_down);
        case RefusalKind::origin:
            return bump(counters_.refused_origin);
        case RefusalKind::not_found:
            return bump(counters_.refused_not_found);
        case RefusalKind::bad_request:
            return bump(counters_.refused_bad_request);
        case RefusalKind::unauthorized:
            return bump(counters_.refused_unauthorized);
        case RefusalKind::forbidden:
            return bump(counters_.refused_forbidden);
        case RefusalKind::too_many_connections:
            return bump(counters_.refused_too_many);
        case RefusalKind::out_of_descriptors:
            context_.descriptors.count_refusal();
            return bump(counters_.refused_out_of_descriptors);
    }
}

Session& ShardCore::admit(Admission admission, AdmittedConnection connection) {
    Session& session =
        delivery_.create(make_session_id(options_.instance_id, index_, random_.session_bytes()),
                         admission.protocol, form_for(admission.protocol, options_.send_msg),
                         FlowLimits{options_.max_buffered_bytes, options_.slow_client_drop});
    session.connection = std::move(connection.handle);
    session.remote = std::move(connection.remote);
    session.path = path_of(connection.resource);
    session.since = std::chrono::steady_clock::now();
    if (admission.identity) {
        session.identity = std::make_unique<Session::Identity>();
        session.identity->permissions = std::move(admission.identity->permissions);
        session.identity->user = std::move(admission.identity->subject);
        if (admission.identity->valid_until) {
            schedule_expiry(session, *admission.identity->valid_until);
        }
    }
    bump(counters_.connections_accepted);
    bump(counters_.clients);
    // Queued now, written right after the 101: the welcome first, then the
    // retained state of its filters, then live messages. Subscribed before
    // the 101 goes out, so no message the broker sends after the client saw
    // its handshake complete is missed.
    if (session.protocol()) {
        delivery_.send_text(session, encode_welcome(session.session_id()));
        if (!context_.state.mqtt_connected.load(std::memory_order_relaxed)) {
            delivery_.send_text(session, encode_status(false));
        }
    }
    delivery_.subscribe(session, admission.filters);
    delivery_.flush();
    spdlog::debug("session {} from {} at {} ({} mode, {} filters{}{})", session.session_id(),
                  session.remote, session.path, session.protocol() ? "protocol" : "plain",
                  admission.filters.size(), session.user().empty() ? "" : ", user ",
                  session.user());
    return session;
}

void ShardCore::opened(ClientId id) {
    Session* session = delivery_.find(id);
    if (!session) return;
    if (shutting_down_) {
        session->opened();
        delivery_.close(*session, close_going_away, drain_reason);
        return;
    }
    if (session->expired()) {
        session->opened();
        close_expired(*session);
        return;
    }
    delivery_.opened(*session);
    if (session->state() != SessionState::open) return;  // judged slow before it opened
    session->connect_announced = true;
    log_connection_open({session->session_id(), session->remote, session->path},
                        session->protocol(), delivery_.router().filters_of(id).size());
    announce("connect", *session);
}

void ShardCore::closed(ClientId id, CloseFacts facts) {
    if (const Session* session = delivery_.find(id)) {
        facts.open_for = std::chrono::steady_clock::now() - session->since;
        facts.delivered = session->delivered();
        facts.was_open = session->was_open();
        log_connection_closed({session->session_id(), session->remote, session->path}, facts);
        if (session->connect_announced) announce("disconnect", *session);
        counters_.clients.store(counters_.clients.load(std::memory_order_relaxed) - 1,
                                std::memory_order_relaxed);
        context_.state.connections.fetch_sub(1);
    }
    delivery_.remove(id);
    finish_shutdown_if_idle();
}

void ShardCore::on_frame(ClientId id, const std::string& payload, bool binary) {
    Session* session = delivery_.find(id);
    if (!session || session->state() == SessionState::closing) return;
    protocol_ops_.on_frame(*session, payload, binary);
    delivery_.flush();
}

void ShardCore::on_pong(ClientId id) {
    if (Session* session = delivery_.find(id)) session->awaiting_pong = false;
}

void ShardCore::schedule_expiry(Session& session,
                                std::chrono::system_clock::time_point valid_until) {
    const auto left = valid_until - std::chrono::system_clock::now();
    auto& expiry = session.identity->expiry;
    expiry = std::make_unique<boost::asio::steady_timer>(io_);
    expiry->expires_after(
        std::max(std::chrono::steady_clock::duration::zero(),
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(left)));
    expiry->async_wait([this, id = session.id()](const boost::system::error_code& error) {
        if (error) return;  // the client left first
        if (Session* expired = delivery_.find(id)) close_expired(*expired);
    });
}

void ShardCore::close_expired(Session& session) {
    session.identity->expired = true;
    if (session.state() != SessionState::open) return;  // opened() closes it
    spdlog::info("session {}: token expired, closing", session.session_id());
    delivery_.close(session, close_token_expired, close_token_expired_reason);
}

void ShardCore::start() {
    inbox_.start([this](std::vector<InboxItem>& items) { run_pass(items); });
    schedule_pings();
}

void ShardCore::schedule_pings() {
    ping_timer_.expires_after(options_.ping_interval);
    ping_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || shutting_down_) return;
        delivery_.for_each([&](Session& session) {
            if (session.state() != SessionState::open || session.awaiting_pong) return;
            session.awaiting_pong = io_side_.ping(session);
        });
        schedule_pings();
    });
}

void ShardCore::shutdown() {
    if (shutting_down_) return;
    shutting_down_ = true;
    ping_timer_.cancel();
    delivery_.for_each([&](Session& session) {
        // Not yet open: opened() closes it as soon as the handshake ends.
        if (session.state() == SessionState::open) {
            delivery_.close(session, close_going_away, drain_reason);
        }
    });
    shutdown_timer_.expires_after(options_.shutdown_timeout);
    shutdown_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error) return;  // cancelled: every client left in time
        spdlog::warn("shard {}: {} clients did not close in time", index_, delivery_.size());
        inbox_.stop();
        io_.stop();
    });
    finish_shutdown_if_idle();
}

void ShardCore::finish_shutdown_if_idle() {
    if (!shutting_down_ || delivery_.size() != 0) return;
    shutdown_timer_.cancel();
    inbox_.stop();
}

void ShardCore::announce(const char* event, const Session& session) {
    if (!context_.publisher) return;
    context_.publisher->publish_event(
        encode_connection_event(event, session.session_id(), session.remote, session.path,
                                delivery_.router().filters_of(session.id()), session.user()));
}

}  // namespace mqttws::ws
