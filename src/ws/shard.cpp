#include "ws/shard.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "mqttws/envelope_encoder.hpp"
#include "mqttws/session_id.hpp"
#include "ws/connection_log.hpp"
#include "ws/http_endpoints.hpp"

namespace mqttws::ws {

namespace {

namespace close_status = websocketpp::close::status;

WireForm form_for(bool protocol, bool send_msg) {
    if (protocol) return WireForm::envelope;
    return send_msg ? WireForm::msg_json : WireForm::payload;
}

std::string path_of(const std::string& resource) {
    return resource.substr(0, resource.find('?'));
}

Counters::Counter& refusal_counter(Counters& counters, RefusalKind kind) {
    switch (kind) {
        case RefusalKind::shutting_down:
            return counters.refused_shutting_down;
        case RefusalKind::origin:
            return counters.refused_origin;
        case RefusalKind::not_found:
            return counters.refused_not_found;
        case RefusalKind::bad_request:
            return counters.refused_bad_request;
        case RefusalKind::unauthorized:
            return counters.refused_unauthorized;
        case RefusalKind::forbidden:
            return counters.refused_forbidden;
        case RefusalKind::too_many_connections:
            break;
    }
    return counters.refused_too_many;
}

}  // namespace

template <typename Config>
BasicShard<Config>::BasicShard(unsigned index, ShardContext context)
    : index_(index),
      context_(std::move(context)),
      options_(context_.options),
      delivery_(options_, counters_, *this),
      protocol_ops_(options_, counters_, delivery_, context_.publisher,
                    [this](std::function<void()> task) {
                        post_to_inbox({nullptr, std::move(task)});
                    }),
      interest_(delivery_.router().interest()) {
    // websocketpp logs every frame by default; our own logs say what matters.
    log::route_websocketpp_logs(server_);
    server_.init_asio(&io_);
    server_.set_reuse_addr(true);
    server_.set_listen_backlog(1024);
    server_.set_max_message_size(options_.max_message_size);
    server_.set_max_http_body_size(0);
    server_.set_open_handshake_timeout(options_.handshake_timeout.count());
    server_.set_pong_timeout(options_.pong_timeout.count());
    server_.set_pong_timeout_handler([this](auto hdl, auto) {
        // No pong: the peer is gone or stuck. A close handshake would wait
        // for it again, so drop the TCP connection at once.
        const ConnectionPtr con = server_.get_con_from_hdl(hdl);
        const Session* session = delivery_.find(con->client_id);
        spdlog::info("session {}: no pong within {} ms, dropping the connection",
                     session ? session->session_id() : "?", options_.pong_timeout.count());
        con->terminate(websocketpp::lib::error_code());
    });
    server_.set_tcp_pre_bind_handler([](auto acceptor) {
        // Every shard binds the same port; the kernel spreads connections.
        int one = 1;
        if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) !=
            0) {
            return websocketpp::lib::error_code(errno, std::system_category());
        }
        return websocketpp::lib::error_code();
    });
    server_.set_pong_handler([this](auto hdl, auto) {
        const ConnectionPtr con = server_.get_con_from_hdl(hdl);
        if (Session* session = delivery_.find(con->client_id)) session->awaiting_pong = false;
    });
    server_.set_validate_handler([this](auto hdl) { return on_validate(hdl); });
    server_.set_open_handler([this](auto hdl) { on_open(hdl); });
    server_.set_close_handler([this](auto hdl) { on_close(hdl); });
    server_.set_fail_handler([this](auto hdl) { on_close(hdl); });
    server_.set_message_handler([this](auto hdl, auto frame) { on_message(hdl, frame); });
    server_.set_http_handler([this](auto hdl) {
        answer_http(*server_.get_con_from_hdl(hdl), options_, context_.state,
                    context_.render_metrics, context_.console);
    });
    if constexpr (std::is_same_v<Config, TlsConfig>) {
        // Each handshake takes the context current at that moment: after a
        // reload new clients get the new certificate, open ones keep theirs.
        server_.set_tls_init_handler([store = options_.security.tls](websocketpp::connection_hdl) {
            return store->current();
        });
    }
}

template <typename Config>
std::error_code BasicShard<Config>::listen() {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(options_.listen_host, ec);
    if (ec) return std::make_error_code(std::errc::invalid_argument);
    websocketpp::lib::error_code wec;
    server_.listen(boost::asio::ip::tcp::endpoint(address, options_.listen_port), wec);
    if (!wec) server_.start_accept(wec);
    if (wec) return std::error_code(wec.value(), std::system_category());
    return {};
}

template <typename Config>
void BasicShard<Config>::run() {
    schedule_pings();
    // A handler that throws must not take the other clients down with it.
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("shard {}: unexpected exception in handler: {}", index_, e.what());
        }
    }
}

template <typename Config>
void BasicShard<Config>::post_to_inbox(InboxItem item) {
    if (inbox_.push(std::move(item))) boost::asio::post(io_, [this] { run_pass(); });
}

template <typename Config>
void BasicShard<Config>::post_message(OutboundMessagePtr message) {
    post_to_inbox({std::move(message), nullptr});
}

template <typename Config>
void BasicShard<Config>::post_status(bool mqtt_connected) {
    post_to_inbox({nullptr, [this, mqtt_connected] {
                       const std::string frame = encode_status(mqtt_connected);
                       delivery_.for_each([&](Session& session) {
                           if (session.protocol()) delivery_.send_text(session, frame);
                       });
                   }});
}

template <typename Config>
void BasicShard<Config>::run_pass() {
    inbox_.take(pass_);
    delivery_.start_pass();
    for (InboxItem& item : pass_) {
        if (item.message) {
            delivery_.deliver(item.message);
        } else {
            item.task();
        }
    }
    pass_.clear();
    delivery_.flush();
}

template <typename Config>
void BasicShard<Config>::post_shutdown() {
    boost::asio::post(io_, [this] {
        if (shutting_down_) return;
        shutting_down_ = true;
        ping_timer_.cancel();
        websocketpp::lib::error_code ec;
        server_.stop_listening(ec);
        delivery_.for_each([&](Session& session) {
            // Not yet open: on_open closes it as soon as the handshake ends.
            if (session.state() == SessionState::open) {
                connection_of(session).close(close_status::going_away, drain_reason, ec);
            }
        });
        shutdown_timer_.expires_after(options_.shutdown_timeout);
        shutdown_timer_.async_wait([this](const boost::system::error_code& error) {
            if (error) return;  // cancelled: every client left in time
            spdlog::warn("shard {}: {} clients did not close in time", index_, delivery_.size());
            io_.stop();
        });
        finish_shutdown_if_idle();
    });
}

template <typename Config>
void BasicShard<Config>::finish_shutdown_if_idle() {
    if (shutting_down_ && delivery_.size() == 0) shutdown_timer_.cancel();
}

template <typename Config>
void BasicShard<Config>::write(Session& session, const std::vector<FramePtr>& frames) {
    Connection& con = connection_of(session);
    for (const FramePtr& frame : frames) {
        if (con.send(frame)) return;  // closing: the close handler cleans up
    }
    // websocketpp would start the write from a posted handler; start it now,
    // so the kernel is offered the bytes within this pass.
    con.write_frame();
}

template <typename Config>
bool BasicShard<Config>::kernel_has_room(const Session& session) {
    pollfd fd{connection_of(session).get_raw_socket().native_handle(), POLLOUT, 0};
    return ::poll(&fd, 1, 0) == 1 && (fd.revents & POLLOUT) != 0;
}

template <typename Config>
void BasicShard<Config>::close_slow(Session& session) {
    if (!session.was_open()) return;  // Delivery::opened closes it
    websocketpp::lib::error_code ec;
    connection_of(session).close(close_status::policy_violation,
                                 "slow client: too many bytes queued", ec);
}

template <typename Config>
void BasicShard<Config>::on_write_done(ClientId client) {
    Session* session = delivery_.find(client);
    // Done when websocketpp holds nothing more of ours: its own control
    // frames may have been what just completed.
    if (session && connection_of(*session).get_buffered_amount() == 0) delivery_.write_done(client);
}

template <typename Config>
bool BasicShard<Config>::on_validate(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const HandshakeRequest request{con->get_resource(), con->get_request_header("Origin"),
                                   con->get_request_header("Authorization"),
                                   con->get_requested_subprotocols()};
    HandshakeResult result =
        decide_handshake(request, options_, shutting_down_ || context_.state.draining.load());
    if (auto* refusal = std::get_if<Refusal>(&result)) return refuse(con, *refusal);
    if (context_.state.connections.fetch_add(1) >= options_.max_connections) {
        context_.state.connections.fetch_sub(1);
        return refuse(con,
                      Refusal{RefusalKind::too_many_connections, 503, "too many connections", {}});
    }
    admit(con, std::get<Admission>(std::move(result)));
    delivery_.flush();
    return true;
}

template <typename Config>
bool BasicShard<Config>::refuse(const ConnectionPtr& con, const Refusal& refusal) {
    bump(refusal_counter(counters_, refusal.kind));
    if (refusal.kind == RefusalKind::unauthorized) {
        spdlog::info("unauthorized handshake from {}: {}", con->get_remote_endpoint(),
                     refusal.log_detail);
        con->replace_header("WWW-Authenticate", "Bearer");
    }
    const auto status = static_cast<websocketpp::http::status_code::value>(refusal.status);
    con->set_status(status);
    con->replace_header("Content-Type", "text/plain; charset=utf-8");
    con->set_body(refusal.reason + "\n");
    log_refused(con->get_remote_endpoint(), con->get_resource(), refusal.status, refusal.reason);
    return false;
}

template <typename Config>
void BasicShard<Config>::admit(const ConnectionPtr& con, Admission admission) {
    if (admission.protocol) con->select_subprotocol(protocol_subprotocol);
    const ClientId id = next_client_id_++;
    std::string session_id = make_session_id(options_.instance_id, index_, random_.session_bytes());
    con->append_header("X-Session-Id", session_id);
    con->client_id = id;
    con->listener = this;
    auto created = std::make_unique<Session>(
        id, std::move(session_id), admission.protocol,
        form_for(admission.protocol, options_.send_msg),
        FlowLimits{options_.max_buffered_bytes, options_.slow_client_drop});
    Session& session = delivery_.add(std::move(created));
    session.connection = con;
    session.remote = con->get_remote_endpoint();
    session.resource = con->get_resource();
    session.since = std::chrono::steady_clock::now();
    if (admission.identity) {
        session.permissions = std::move(admission.identity->permissions);
        session.user = std::move(admission.identity->subject);
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
    spdlog::debug("session {} from {} at {} ({} mode, {} filters{}{})", session.session_id(),
                  session.remote, path_of(session.resource),
                  session.protocol() ? "protocol" : "plain", admission.filters.size(),
                  session.user.empty() ? "" : ", user ", session.user);
}

template <typename Config>
void BasicShard<Config>::schedule_expiry(Session& session,
                                         std::chrono::system_clock::time_point valid_until) {
    const auto left = valid_until - std::chrono::system_clock::now();
    session.expiry = std::make_unique<boost::asio::steady_timer>(io_);
    session.expiry->expires_after(
        std::max(std::chrono::steady_clock::duration::zero(),
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(left)));
    session.expiry->async_wait([this, id = session.id()](const boost::system::error_code& error) {
        if (error) return;  // the client left first
        if (Session* expired = delivery_.find(id)) close_expired(*expired);
    });
}

template <typename Config>
void BasicShard<Config>::close_expired(Session& session) {
    session.expired = true;
    if (session.state() != SessionState::open) return;  // on_open closes it
    spdlog::info("session {}: token expired, closing", session.session_id());
    websocketpp::lib::error_code ec;
    connection_of(session).close(close_token_expired, close_token_expired_reason, ec);
}

template <typename Config>
void BasicShard<Config>::on_open(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    Session* session = delivery_.find(con->client_id);
    if (!session) return;
    websocketpp::lib::error_code ec;
    if (shutting_down_) {
        session->opened();
        con->close(close_status::going_away, drain_reason, ec);
        return;
    }
    if (session->expired) {
        session->opened();
        close_expired(*session);
        return;
    }
    delivery_.opened(*session);
    if (session->state() != SessionState::open) return;  // judged slow before it opened
    session->connect_announced = true;
    log_connection_open({session->session_id(), session->remote, session->resource},
                        session->protocol(), delivery_.router().filters_of(session->id()).size());
    announce("connect", *session);
}

template <typename Config>
void BasicShard<Config>::on_close(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const ClientId id = con->client_id;
    if (id == 0) return;  // refused at the handshake
    con->client_id = 0;
    if (const Session* session = delivery_.find(id)) {
        CloseFacts close;
        close.code = static_cast<int>(con->get_remote_close_code());
        close.reason = con->get_remote_close_reason();
        if (const auto ec = con->get_ec()) close.error = ec.message();
        close.open_for = std::chrono::steady_clock::now() - session->since;
        close.delivered = session->delivered();
        close.was_open = session->was_open();
        log_connection_closed({session->session_id(), session->remote, session->resource}, close);
        if (session->connect_announced) announce("disconnect", *session);
        counters_.clients.store(counters_.clients.load(std::memory_order_relaxed) - 1,
                                std::memory_order_relaxed);
        context_.state.connections.fetch_sub(1);
    }
    delivery_.remove(id);
    finish_shutdown_if_idle();
}

template <typename Config>
void BasicShard<Config>::on_message(websocketpp::connection_hdl hdl, FramePtr frame) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    Session* session = delivery_.find(con->client_id);
    if (!session || session->state() == SessionState::closing) return;
    protocol_ops_.on_frame(*session, frame->get_payload(),
                           frame->get_opcode() == websocketpp::frame::opcode::binary);
    delivery_.flush();
}

template <typename Config>
void BasicShard<Config>::schedule_pings() {
    ping_timer_.expires_after(options_.ping_interval);
    ping_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || shutting_down_) return;
        delivery_.for_each([&](Session& session) {
            if (session.state() != SessionState::open || session.awaiting_pong) return;
            websocketpp::lib::error_code ec;
            connection_of(session).ping("", ec);
            session.awaiting_pong = !ec;
        });
        schedule_pings();
    });
}

template <typename Config>
void BasicShard<Config>::announce(const char* event, const Session& session) {
    if (!context_.publisher) return;
    context_.publisher->publish_event(encode_connection_event(
        event, session.session_id(), session.remote, path_of(session.resource),
        delivery_.router().filters_of(session.id()), session.user));
}

template class BasicShard<PlainConfig>;
template class BasicShard<TlsConfig>;

std::unique_ptr<Shard> make_shard(unsigned index, ShardContext context, bool tls) {
    if (tls) return std::make_unique<BasicShard<TlsConfig>>(index, std::move(context));
    return std::make_unique<BasicShard<PlainConfig>>(index, std::move(context));
}

}  // namespace mqttws::ws
