#include "ws/shard.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "mqttws/credential.hpp"
#include "mqttws/envelope_encoder.hpp"
#include "mqttws/inbound_publish.hpp"
#include "mqttws/session_id.hpp"
#include "mqttws/ws_target.hpp"
#include "ws/connection_log.hpp"
#include "ws/http_endpoints.hpp"
#include "ws/static_reply.hpp"

namespace mqttws::ws {

namespace {

namespace status = websocketpp::http::status_code;
namespace close_status = websocketpp::close::status;

WireForm form_for(bool protocol, bool send_msg) {
    if (protocol) return WireForm::envelope;
    return send_msg ? WireForm::msg_json : WireForm::payload;
}

template <typename ConnectionPtr>
bool requested_protocol_mode(const ConnectionPtr& con) {
    const auto& requested = con->get_requested_subprotocols();
    return std::find(requested.begin(), requested.end(), protocol_subprotocol) != requested.end();
}

std::string path_of(const std::string& resource) {
    return resource.substr(0, resource.find('?'));
}

std::string_view outcome_code(PublishOutcome outcome) {
    return outcome == PublishOutcome::not_connected ? error_code::unavailable
                                                    : error_code::publish_failed;
}

}  // namespace

template <typename Config>
BasicShard<Config>::BasicShard(unsigned index, ShardContext context)
    : index_(index),
      context_(std::move(context)),
      options_(context_.options),
      router_(options_.max_subscriptions),
      retained_(options_.retained_cache) {
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
        spdlog::info("session {}: no pong within {} ms, dropping the connection",
                     clients_.count(con->client_id) ? clients_.at(con->client_id).session_id : "?",
                     options_.pong_timeout.count());
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
        if (const auto it = clients_.find(con->client_id); it != clients_.end()) {
            it->second.awaiting_pong = false;
        }
    });
    server_.set_validate_handler([this](auto hdl) { return on_validate(hdl); });
    server_.set_open_handler([this](auto hdl) { on_open(hdl); });
    server_.set_close_handler([this](auto hdl) { on_close(hdl); });
    server_.set_fail_handler([this](auto hdl) { on_close(hdl); });
    server_.set_message_handler([this](auto hdl, auto frame) { on_message(hdl, frame); });
    server_.set_http_handler([this](auto hdl) { on_http(hdl); });
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
void BasicShard<Config>::schedule_pings() {
    ping_timer_.expires_after(options_.ping_interval);
    ping_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || shutting_down_) return;
        for (auto& [id, client] : clients_) {
            if (!client.open || client.awaiting_pong) continue;
            websocketpp::lib::error_code ec;
            client.connection->ping("", ec);
            client.awaiting_pong = !ec;
        }
        schedule_pings();
    });
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
void BasicShard<Config>::post_message(OutboundMessagePtr message) {
    boost::asio::post(io_, [this, message = std::move(message)] { deliver(message); });
}

template <typename Config>
void BasicShard<Config>::post_status(bool mqtt_connected) {
    boost::asio::post(io_, [this, mqtt_connected] {
        const std::string frame = encode_status(mqtt_connected);
        for (auto& [id, client] : clients_) {
            if (client.protocol) send_text(client, frame);
        }
    });
}

template <typename Config>
void BasicShard<Config>::post_shutdown() {
    boost::asio::post(io_, [this] {
        if (shutting_down_) return;
        shutting_down_ = true;
        ping_timer_.cancel();
        websocketpp::lib::error_code ec;
        server_.stop_listening(ec);
        for (auto& [id, client] : clients_) {
            // Not yet open: on_open closes it as soon as the handshake ends.
            if (client.open) {
                client.connection->close(close_status::going_away, drain_reason, ec);
            }
        }
        shutdown_timer_.expires_after(options_.shutdown_timeout);
        shutdown_timer_.async_wait([this](const boost::system::error_code& error) {
            if (error) return;  // cancelled: every client left in time
            spdlog::warn("shard {}: {} clients did not close in time", index_, clients_.size());
            io_.stop();
        });
        finish_shutdown_if_idle();
    });
}

template <typename Config>
void BasicShard<Config>::finish_shutdown_if_idle() {
    if (shutting_down_ && clients_.empty()) shutdown_timer_.cancel();
}

template <typename Config>
bool BasicShard<Config>::refuse(const ConnectionPtr& con,
                                websocketpp::http::status_code::value code,
                                const std::string& reason, Counters::Counter& counter) {
    bump(counter);
    con->set_status(code);
    con->replace_header("Content-Type", "text/plain; charset=utf-8");
    con->set_body(reason + "\n");
    log_refused(con->get_remote_endpoint(), con->get_resource(), static_cast<int>(code), reason);
    return false;
}

template <typename Config>
bool BasicShard<Config>::on_validate(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    if (shutting_down_ || context_.state.draining.load()) {
        return refuse(con, status::service_unavailable, drain_reason,
                      counters_.refused_shutting_down);
    }
    if (!origin_allowed(con->get_request_header("Origin"), options_.security.allowed_origins)) {
        return refuse(con, status::forbidden, "origin not allowed", counters_.refused_origin);
    }
    const WsTargetResult target = parse_ws_target(con->get_resource(), options_.ws_path);
    if (target.status == WsTargetStatus::not_found) {
        return refuse(con, status::not_found, target.reason, counters_.refused_not_found);
    }
    if (target.status == WsTargetStatus::bad_request) {
        return refuse(con, status::bad_request, target.reason, counters_.refused_bad_request);
    }
    auto identity = authenticate(con);
    if (!identity) return false;
    if (*identity) {
        for (const auto& filter : target.target.filters) {
            if (!may_subscribe((*identity)->permissions, filter)) {
                return refuse(con, status::forbidden,
                              "not allowed to subscribe to '" + filter + "'",
                              counters_.refused_forbidden);
            }
        }
    }
    if (target.target.filters.size() > options_.max_subscriptions) {
        return refuse(
            con, status::bad_request,
            "too many topic filters (at most " + std::to_string(options_.max_subscriptions) + ")",
            counters_.refused_bad_request);
    }
    if (context_.state.connections.fetch_add(1) >= options_.max_connections) {
        context_.state.connections.fetch_sub(1);
        return refuse(con, status::service_unavailable, "too many connections",
                      counters_.refused_too_many);
    }
    const bool protocol = requested_protocol_mode(con);
    if (protocol) con->select_subprotocol(protocol_subprotocol);

    const ClientId id = next_client_id_++;
    std::string session_id = make_session_id(options_.instance_id, index_, random_.session_bytes());
    con->append_header("X-Session-Id", session_id);
    con->client_id = id;
    router_.add_client(id, session_id, form_for(protocol, options_.send_msg));
    Client& client = clients_[id];
    client.connection = con;
    client.session_id = std::move(session_id);
    client.protocol = protocol;
    client.remote = con->get_remote_endpoint();
    client.resource = con->get_resource();
    client.since = std::chrono::steady_clock::now();
    if (*identity) {
        client.permissions = std::move((*identity)->permissions);
        client.user = std::move((*identity)->subject);
        if ((*identity)->valid_until) schedule_expiry(id, client, *(*identity)->valid_until);
    }
    bump(counters_.connections_accepted);
    bump(counters_.clients);
    // Subscribed before the 101 goes out: a message the broker sends after
    // the client saw its handshake complete is never missed.
    subscribe(id, client, target.target.filters);
    spdlog::debug("session {} from {} at {} ({} mode, {} filters{}{})", client.session_id,
                  client.remote, path_of(client.resource), protocol ? "protocol" : "plain",
                  target.target.filters.size(), client.user.empty() ? "" : ", user ", client.user);
    return true;
}

template <typename Config>
std::optional<std::optional<auth::Identity>> BasicShard<Config>::authenticate(
    const ConnectionPtr& con) {
    const auth::Authenticator* authenticator = options_.security.authenticator.get();
    if (!authenticator) return std::optional<auth::Identity>();
    const auto credential = find_credential(con->get_request_header("Authorization"),
                                            con->get_resource(), con->get_requested_subprotocols());
    std::string reason = "no credential";
    std::optional<auth::Identity> identity;
    if (credential) identity = authenticator->authenticate(*credential, reason);
    if (!identity) {
        // The reason stays in our log; the client learns nothing but 401.
        spdlog::info("unauthorized handshake from {}: {}", con->get_remote_endpoint(), reason);
        con->replace_header("WWW-Authenticate", "Bearer");
        refuse(con, status::unauthorized, "unauthorized", counters_.refused_unauthorized);
        return std::nullopt;
    }
    return identity;
}

template <typename Config>
void BasicShard<Config>::schedule_expiry(ClientId id, Client& client,
                                         std::chrono::system_clock::time_point valid_until) {
    const auto left = valid_until - std::chrono::system_clock::now();
    client.expiry = std::make_unique<boost::asio::steady_timer>(io_);
    client.expiry->expires_after(
        std::max(std::chrono::steady_clock::duration::zero(),
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(left)));
    client.expiry->async_wait([this, id](const boost::system::error_code& error) {
        if (error) return;  // the client left first
        const auto it = clients_.find(id);
        if (it != clients_.end()) close_expired(it->second);
    });
}

template <typename Config>
void BasicShard<Config>::close_expired(Client& client) {
    client.expired = true;
    if (!client.open) return;  // on_open closes it
    spdlog::info("session {}: token expired, closing", client.session_id);
    websocketpp::lib::error_code ec;
    client.connection->close(close_token_expired, close_token_expired_reason, ec);
}

template <typename Config>
std::string BasicShard<Config>::refused_filter(const Client& client,
                                               const std::vector<std::string>& filters) {
    if (!client.permissions) return {};
    for (const auto& filter : filters) {
        if (!may_subscribe(*client.permissions, filter)) return filter;
    }
    return {};
}

template <typename Config>
void BasicShard<Config>::on_open(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const auto it = clients_.find(con->client_id);
    if (it == clients_.end()) return;
    Client& client = it->second;
    client.open = true;
    client.handshake_done = true;
    if (shutting_down_) {
        websocketpp::lib::error_code ec;
        con->close(close_status::going_away, drain_reason, ec);
        return;
    }
    if (client.expired) {
        close_expired(client);
        return;
    }
    if (client.protocol) {
        send_text(client, encode_welcome(client.session_id));
        if (!context_.state.mqtt_connected.load(std::memory_order_relaxed)) {
            send_text(client, encode_status(false));
        }
    }
    std::vector<FramePtr> pending;
    pending.swap(client.pending);
    client.pending_bytes = 0;
    if (client.missed > 0 && !options_.slow_client_drop) {
        close_slow(client);
        return;
    }
    for (const auto& frame : pending) send_frame(client, frame);
    log_connection_open({client.session_id, client.remote, client.resource}, client.protocol,
                        router_.filters_of(con->client_id).size());
    announce("connect", con->client_id, client);
}

template <typename Config>
void BasicShard<Config>::on_close(websocketpp::connection_hdl hdl) {
    forget(server_.get_con_from_hdl(hdl));
}

template <typename Config>
void BasicShard<Config>::forget(const ConnectionPtr& con) {
    const ClientId id = con->client_id;
    if (id == 0) return;  // refused at the handshake
    con->client_id = 0;
    const auto it = clients_.find(id);
    if (it != clients_.end()) {
        const Client& client = it->second;
        CloseFacts close;
        close.code = static_cast<int>(con->get_remote_close_code());
        close.reason = con->get_remote_close_reason();
        if (const auto ec = con->get_ec()) close.error = ec.message();
        close.open_for = std::chrono::steady_clock::now() - client.since;
        close.delivered = client.delivered;
        close.was_open = client.handshake_done;
        log_connection_closed({client.session_id, client.remote, client.resource}, close);
        if (it->second.open) announce("disconnect", id, it->second);
        counters_.clients.store(counters_.clients.load(std::memory_order_relaxed) - 1,
                                std::memory_order_relaxed);
        clients_.erase(it);
        context_.state.connections.fetch_sub(1);
    }
    router_.remove_client(id);
    counters_.subscriptions.store(router_.subscription_count(), std::memory_order_relaxed);
    finish_shutdown_if_idle();
}

template <typename Config>
void BasicShard<Config>::announce(const char* event, ClientId id, const Client& client) {
    if (!context_.publisher) return;
    context_.publisher->publish_event(
        encode_connection_event(event, client.session_id, client.remote, path_of(client.resource),
                                router_.filters_of(id), client.user));
}

template <typename Config>
void BasicShard<Config>::on_http(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const std::string path = path_of(con->get_resource());
    if (path == "/healthz") {
        send_answer(con, healthz_answer(context_.state));
        return;
    }
    if (path == "/metrics" && context_.render_metrics) {
        if (auto refusal = admin_refusal(options_, con->get_request_header("Authorization"))) {
            log_http_refused(con->get_remote_endpoint(), path, static_cast<int>(refusal->status),
                             "missing or wrong admin token");
            send_answer(con, *refusal);
            return;
        }
        send_answer(con, metrics_answer(context_.render_metrics()));
        return;
    }
    if (context_.console) {
        if (auto reply = context_.console->respond(con->get_request().get_method(), path)) {
            write_static_reply(*con, *reply);
            return;
        }
    }
    if (path == options_.ws_path || path.rfind(options_.ws_path + "/", 0) == 0) {
        con->set_status(status::upgrade_required);
        con->replace_header("Upgrade", "websocket");
        con->set_body("this endpoint speaks WebSocket only\n");
        return;
    }
    con->set_status(status::not_found);
    con->set_body("not found\n");
}

template <typename Config>
void BasicShard<Config>::deliver(const OutboundMessagePtr& message) {
    const Message& msg = message->message();
    if (retained_.update(message) == RetainedUpdate::full) {
        bump(counters_.retained_cache_full);
    }
    if (router_.route(msg, recipients_) == RouteResult::unknown_session) {
        bump(counters_.dropped_unknown_session);
        spdlog::debug("dropped a message on {}: session {} is not connected", msg.mqtt_topic,
                      *msg.target_session);
        return;
    }
    handoff_clock_.restart();
    for (const Recipient& recipient : recipients_) {
        const auto it = clients_.find(recipient.client);
        if (it != clients_.end()) {
            if (!may_receive_targeted(it->second, msg)) {
                bump(counters_.dropped_acl);
                spdlog::debug("dropped a message on {} for session {}: outside its permissions",
                              msg.mqtt_topic, it->second.session_id);
                continue;
            }
            send_frame(it->second, message->frame(recipient.form), msg.arrival);
        }
    }
}

template <typename Config>
bool BasicShard<Config>::may_receive_targeted(const Client& client, const Message& msg) const {
    // Naming a session narrows delivery to it; it never widens what the
    // session may read. Its own reply topic carries answers to its requests.
    if (!msg.target_session || msg.on_reply_topic || !client.permissions) return true;
    return may_subscribe(*client.permissions, msg.topic);
}

template <typename Config>
void BasicShard<Config>::send_frame(Client& client, const FramePtr& frame,
                                    std::chrono::steady_clock::time_point arrival) {
    const std::uint64_t size = frame->get_header().size() + frame->get_payload().size();
    if (!client.open) {
        if (client.pending_bytes + size > options_.max_buffered_bytes) {
            ++client.missed;
            bump(counters_.dropped_slow);
            return;
        }
        client.pending_bytes += size;
        client.pending.push_back(frame);
        return;
    }
    if (options_.slow_client_drop) {
        if (client.connection->get_buffered_amount() + size > options_.max_buffered_bytes) {
            ++client.missed;
            bump(counters_.dropped_slow);
            return;
        }
        if (client.missed > 0) {
            // Caught up: say how much was lost before the next message.
            const std::uint64_t missed = std::exchange(client.missed, 0);
            spdlog::debug("session {}: {} messages dropped while slow", client.session_id, missed);
            if (client.protocol) {
                write(client, make_prepared_frame(websocketpp::frame::opcode::text,
                                                  encode_dropped(missed)));
            }
        }
    }
    write(client, frame, arrival);
    if (!options_.slow_client_drop &&
        client.connection->get_buffered_amount() > options_.max_buffered_bytes) {
        close_slow(client);
    }
}

template <typename Config>
void BasicShard<Config>::write(Client& client, const FramePtr& frame,
                               std::chrono::steady_clock::time_point arrival) {
    if (websocketpp::lib::error_code ec = client.connection->send(frame)) {
        return;  // closing: the close handler cleans up
    }
    if (arrival != std::chrono::steady_clock::time_point{}) {
        counters_.delivery_latency.observe(handoff_clock_.now() - arrival);
    }
    ++client.delivered;
    bump(counters_.deliveries);
    bump(counters_.bytes_out, frame->get_payload().size());
}

template <typename Config>
void BasicShard<Config>::close_slow(Client& client) {
    bump(counters_.closed_slow);
    spdlog::info("session {}: closing slow client ({} bytes queued, limit {})", client.session_id,
                 client.connection->get_buffered_amount(), options_.max_buffered_bytes);
    websocketpp::lib::error_code ec;
    client.connection->close(close_status::policy_violation, "slow client: too many bytes queued",
                             ec);
    // Its queue is already full: never queue more for it.
    client.open = false;
    client.pending_bytes = options_.max_buffered_bytes;
}

template <typename Config>
void BasicShard<Config>::send_text(Client& client, const std::string& text) {
    send_frame(client, make_prepared_frame(websocketpp::frame::opcode::text, text));
}

template <typename Config>
SubscribeResult BasicShard<Config>::subscribe(ClientId id, Client& client,
                                              const std::vector<std::string>& filters) {
    const std::vector<std::string> held = router_.filters_of(id);
    const SubscribeResult result = router_.subscribe(id, filters);
    if (result != SubscribeResult::ok) return result;
    counters_.subscriptions.store(router_.subscription_count(), std::memory_order_relaxed);
    // Retained state first, then live traffic: both run on this thread, so
    // no live message can overtake the replay.
    retained_.collect(filters, held, replay_);
    const WireForm form = form_for(client.protocol, options_.send_msg);
    for (const auto& message : replay_) send_frame(client, message->frame(form));
    replay_.clear();
    return result;
}

template <typename Config>
void BasicShard<Config>::on_message(websocketpp::connection_hdl hdl, FramePtr frame) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const auto it = clients_.find(con->client_id);
    if (it == clients_.end()) return;
    if (it->second.protocol) {
        handle_request(it->first, it->second, frame->get_payload());
    } else {
        handle_plain_frame(it->second, frame->get_payload(),
                           frame->get_opcode() == websocketpp::frame::opcode::binary);
    }
}

template <typename Config>
void BasicShard<Config>::handle_request(ClientId id, Client& client, const std::string& frame) {
    auto parsed = parse_client_request(frame);
    if (auto* error = std::get_if<RequestError>(&parsed)) {
        bump(counters_.protocol_errors);
        send_text(client, encode_error(error->id_json, error->code, error->message));
        return;
    }
    auto& request = std::get<ClientRequest>(parsed);
    switch (request.op) {
        case RequestOp::ping:
            send_text(client, encode_ack(request.id_json));
            return;
        case RequestOp::subscribe: {
            // The ack goes first so it precedes the retained replay it causes;
            // a refusal is decided before anything is sent.
            if (const std::string refused = refused_filter(client, request.topics);
                !refused.empty()) {
                send_text(client, encode_error(request.id_json, error_code::not_allowed,
                                               "not allowed to subscribe to '" + refused + "'"));
                return;
            }
            if (!router_.can_subscribe(id, request.topics)) {
                send_text(client,
                          encode_error(request.id_json, error_code::too_many_subscriptions,
                                       "at most " + std::to_string(options_.max_subscriptions) +
                                           " topic filters per connection"));
                return;
            }
            send_text(client, encode_ack(request.id_json));
            subscribe(id, client, request.topics);
            return;
        }
        case RequestOp::unsubscribe:
            router_.unsubscribe(id, request.topics);
            counters_.subscriptions.store(router_.subscription_count(), std::memory_order_relaxed);
            send_text(client, encode_ack(request.id_json));
            return;
        case RequestOp::publish:
            publish(id, client, std::move(request.publish), request.id_json);
            return;
    }
}

template <typename Config>
void BasicShard<Config>::handle_plain_frame(Client& client, const std::string& frame, bool binary) {
    auto request = plain_frame_to_publish(frame, binary, client.session_id, options_.inbound);
    if (auto* error = std::get_if<RequestError>(&request)) {
        bump(counters_.publish_refused);
        spdlog::info("session {}: frame not published: {}", client.session_id, error->message);
        if (options_.send_msg) {
            // A msg-mode client speaks JSON; tell it what was wrong.
            send_text(client, encode_error("null", error->code, error->message));
        }
        return;
    }
    publish(client.connection->client_id, client, std::get<PublishRequest>(std::move(request)),
            std::nullopt);
}

template <typename Config>
void BasicShard<Config>::publish(ClientId id, Client& client, PublishRequest request,
                                 std::optional<std::string> id_json) {
    // Both must allow it: --allow-publish and the client's own permissions.
    auto topic = authorize_publish(request.topic, options_.inbound);
    if (std::holds_alternative<std::string>(topic) && client.permissions &&
        !may_publish(*client.permissions, request.topic)) {
        topic =
            RequestError{"null", error_code::not_allowed,
                         "publishing to '" + request.topic + "' is not allowed for this client"};
    }
    if (auto* error = std::get_if<RequestError>(&topic)) {
        bump(counters_.publish_refused);
        if (id_json) {
            send_text(client, encode_error(*id_json, error->code, error->message));
        } else {
            spdlog::info("session {}: frame not published: {}", client.session_id, error->message);
        }
        return;
    }
    if (!context_.publisher) {
        bump(counters_.publish_failed);
        if (id_json) {
            send_text(client, encode_error(*id_json, error_code::unavailable,
                                           "publishing is not available"));
        }
        return;
    }
    ClientPublish out;
    out.topic = std::get<std::string>(std::move(topic));
    out.payload = std::move(request.payload);
    out.qos = request.qos;
    out.retain = request.retain;
    out.session_id = client.session_id;
    out.broadcast = request.broadcast;
    out.correlation_data = std::move(request.correlation_data);
    // Completion arrives on Paho's thread; the answer is sent from ours, and
    // only if the client is still here.
    context_.publisher->publish(std::move(out), [this, id, id_json = std::move(id_json)](
                                                    PublishOutcome outcome, std::string detail) {
        boost::asio::post(io_, [this, id, id_json, outcome, detail = std::move(detail)] {
            bump(outcome == PublishOutcome::published ? counters_.publish_ok
                                                      : counters_.publish_failed);
            const auto it = clients_.find(id);
            if (it == clients_.end()) return;
            if (!id_json) {
                if (outcome != PublishOutcome::published) {
                    spdlog::info("session {}: publish failed: {}", it->second.session_id, detail);
                }
                return;
            }
            send_text(it->second, outcome == PublishOutcome::published
                                      ? encode_ack(*id_json)
                                      : encode_error(*id_json, outcome_code(outcome), detail));
        });
    });
}

template class BasicShard<PlainConfig>;
template class BasicShard<TlsConfig>;

std::unique_ptr<Shard> make_shard(unsigned index, ShardContext context, bool tls) {
    if (tls) return std::make_unique<BasicShard<TlsConfig>>(index, std::move(context));
    return std::make_unique<BasicShard<PlainConfig>>(index, std::move(context));
}

}  // namespace mqttws::ws
