#include "ws/shard.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "mqttws/client_request.hpp"
#include "mqttws/envelope_encoder.hpp"
#include "mqttws/session_id.hpp"
#include "mqttws/ws_target.hpp"

namespace mqttws::ws {

namespace {

namespace status = websocketpp::http::status_code;
namespace close_status = websocketpp::close::status;

constexpr std::string_view publish_unavailable = "publishing is not available on this bridge";

WireForm form_for(bool protocol, bool send_msg) {
    if (protocol) return WireForm::envelope;
    return send_msg ? WireForm::msg_json : WireForm::payload;
}

bool requested_protocol_mode(const ConnectionPtr& con) {
    for (const auto& name : con->get_requested_subprotocols()) {
        if (name == protocol_subprotocol) return true;
    }
    return false;
}

}  // namespace

Shard::Shard(unsigned index, const WsOptions& options, const LinkStatus& link,
             ClientPublisher* publisher)
    : index_(index),
      options_(options),
      link_(link),
      publisher_(publisher),
      router_(options.max_subscriptions) {
    // websocketpp logs every frame by default; our own logs say what matters.
    server_.clear_access_channels(websocketpp::log::alevel::all);
    server_.clear_error_channels(websocketpp::log::elevel::all);
    server_.init_asio(&io_);
    server_.set_reuse_addr(true);
    server_.set_listen_backlog(1024);
    server_.set_max_message_size(options.max_message_size);
    server_.set_max_http_body_size(0);
    server_.set_tcp_pre_bind_handler([](auto acceptor) {
        // Every shard binds the same port; the kernel spreads connections.
        int one = 1;
        if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) !=
            0) {
            return websocketpp::lib::error_code(errno, std::system_category());
        }
        return websocketpp::lib::error_code();
    });
    server_.set_validate_handler([this](auto hdl) { return on_validate(hdl); });
    server_.set_open_handler([this](auto hdl) { on_open(hdl); });
    server_.set_close_handler([this](auto hdl) { on_close(hdl); });
    server_.set_fail_handler([this](auto hdl) { on_close(hdl); });
    server_.set_message_handler([this](auto hdl, auto frame) { on_message(hdl, frame); });
    server_.set_http_handler([this](auto hdl) { on_http(hdl); });
}

std::error_code Shard::listen() {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(options_.listen_host, ec);
    if (ec) return std::make_error_code(std::errc::invalid_argument);
    websocketpp::lib::error_code wec;
    server_.listen(boost::asio::ip::tcp::endpoint(address, options_.listen_port), wec);
    if (!wec) server_.start_accept(wec);
    if (wec) return std::error_code(wec.value(), std::system_category());
    return {};
}

void Shard::run() {
    // run() can throw only from our handlers; the loop must survive a bad
    // client, so log and continue.
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("shard {}: unexpected exception in handler: {}", index_, e.what());
        }
    }
}

void Shard::post_message(OutboundMessagePtr message) {
    boost::asio::post(io_, [this, message = std::move(message)] { deliver(*message); });
}

void Shard::post_status(bool mqtt_connected) {
    boost::asio::post(io_, [this, mqtt_connected] {
        const std::string frame = encode_status(mqtt_connected);
        for (auto& [id, client] : clients_) {
            if (client.protocol && client.open) send_text(client, frame);
        }
    });
}

void Shard::post_shutdown() {
    boost::asio::post(io_, [this] {
        shutting_down_ = true;
        websocketpp::lib::error_code ec;
        server_.stop_listening(ec);
        for (auto& [id, client] : clients_) {
            // Not yet open: on_open closes it as soon as the handshake ends.
            if (client.open) {
                client.connection->close(close_status::going_away, "server shutting down", ec);
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

void Shard::finish_shutdown_if_idle() {
    if (shutting_down_ && clients_.empty()) shutdown_timer_.cancel();
}

bool Shard::on_validate(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    if (shutting_down_) {
        con->set_status(status::service_unavailable);
        con->set_body("server shutting down\n");
        return false;
    }
    const WsTargetResult target = parse_ws_target(con->get_resource(), options_.ws_path);
    if (target.status != WsTargetStatus::ok) {
        con->set_status(target.status == WsTargetStatus::not_found ? status::not_found
                                                                   : status::bad_request);
        con->set_body(target.reason + "\n");
        spdlog::debug("refused {} {}: {}", con->get_remote_endpoint(), con->get_resource(),
                      target.reason);
        return false;
    }
    const bool protocol = requested_protocol_mode(con);
    if (protocol) con->select_subprotocol(protocol_subprotocol);

    const ClientId id = next_client_id_++;
    std::string session_id = make_session_id(index_, random_.session_bytes());
    router_.add_client(id, session_id, form_for(protocol, options_.send_msg));
    if (router_.subscribe(id, target.target.filters) != SubscribeResult::ok) {
        router_.remove_client(id);
        con->set_status(status::bad_request);
        con->set_body("too many topic filters (at most " +
                      std::to_string(options_.max_subscriptions) + ")\n");
        return false;
    }
    // Registered before the 101 goes out: a message the broker sends after
    // the client saw its handshake complete is never missed.
    con->append_header("X-Session-Id", session_id);
    con->client_id = id;
    spdlog::debug("session {} from {} at {} ({} mode, {} filters)", session_id,
                  con->get_remote_endpoint(), con->get_resource(), protocol ? "protocol" : "plain",
                  target.target.filters.size());
    clients_.emplace(id, Client{con, std::move(session_id), protocol, false, {}});
    return true;
}

void Shard::on_open(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const auto it = clients_.find(con->client_id);
    if (it == clients_.end()) return;
    Client& client = it->second;
    client.open = true;
    if (shutting_down_) {
        websocketpp::lib::error_code ec;
        con->close(close_status::going_away, "server shutting down", ec);
        return;
    }
    if (client.protocol) send_text(client, encode_welcome(client.session_id));
    std::vector<FramePtr> pending;
    pending.swap(client.pending);
    for (const auto& frame : pending) send_frame(client, frame);
}

void Shard::on_close(websocketpp::connection_hdl hdl) {
    forget(server_.get_con_from_hdl(hdl));
}

void Shard::forget(ConnectionPtr con) {
    const ClientId id = con->client_id;
    if (id == 0) return;  // refused at the handshake
    con->client_id = 0;
    const auto it = clients_.find(id);
    if (it != clients_.end()) {
        spdlog::debug("session {} closed ({} {})", it->second.session_id,
                      con->get_remote_close_code(), con->get_remote_close_reason());
        clients_.erase(it);
    }
    router_.remove_client(id);
    finish_shutdown_if_idle();
}

void Shard::on_http(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const std::string& resource = con->get_resource();
    const std::string path = resource.substr(0, resource.find('?'));
    if (path == "/healthz") {
        const bool up = link_.mqtt_connected.load(std::memory_order_relaxed);
        con->set_status(up ? status::ok : status::service_unavailable);
        con->replace_header("Content-Type", "application/json");
        con->set_body(std::string(R"({"status":")") + (up ? "ok" : "degraded") + R"(","mqtt":")" +
                      (up ? "connected" : "disconnected") + "\"}\n");
        return;
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

void Shard::deliver(const OutboundMessage& message) {
    if (router_.route(message.message(), recipients_) == RouteResult::unknown_session) {
        spdlog::debug("dropped message on {}: session {} is not connected",
                      message.message().mqtt_topic, *message.message().target_session);
        return;
    }
    for (const Recipient& recipient : recipients_) {
        const auto it = clients_.find(recipient.client);
        if (it != clients_.end()) send_frame(it->second, message.frame(recipient.form));
    }
}

void Shard::send_frame(Client& client, const FramePtr& frame) {
    if (!client.open) {
        client.pending.push_back(frame);
        return;
    }
    websocketpp::lib::error_code ec = client.connection->send(frame);
    if (ec) return;  // closing: the close handler cleans up
    if (client.connection->get_buffered_amount() > options_.max_buffered_bytes) {
        spdlog::info("session {}: closing slow client ({} bytes queued)", client.session_id,
                     client.connection->get_buffered_amount());
        client.connection->close(close_status::policy_violation,
                                 "slow client: too many bytes queued", ec);
    }
}

void Shard::send_text(Client& client, const std::string& text) {
    send_frame(client, make_prepared_frame(websocketpp::frame::opcode::text, text));
}

void Shard::on_message(websocketpp::connection_hdl hdl, ShardConfig::message_type::ptr frame) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const auto it = clients_.find(con->client_id);
    if (it == clients_.end()) return;
    Client& client = it->second;
    if (client.protocol) {
        handle_request(it->first, client, frame->get_payload());
        return;
    }
    spdlog::debug("session {}: ignored a {} byte frame ({})", client.session_id,
                  frame->get_payload().size(), publish_unavailable);
}

void Shard::handle_request(ClientId id, Client& client, const std::string& frame) {
    auto parsed = parse_client_request(frame);
    if (auto* error = std::get_if<RequestError>(&parsed)) {
        send_text(client, encode_error(error->id_json, error->code, error->message));
        return;
    }
    auto& request = std::get<ClientRequest>(parsed);
    switch (request.op) {
        case RequestOp::ping:
            send_text(client, encode_ack(request.id_json));
            return;
        case RequestOp::subscribe:
            if (router_.subscribe(id, request.topics) != SubscribeResult::ok) {
                send_text(client,
                          encode_error(request.id_json, error_code::too_many_subscriptions,
                                       "at most " + std::to_string(options_.max_subscriptions) +
                                           " topic filters per connection"));
                return;
            }
            send_text(client, encode_ack(request.id_json));
            return;
        case RequestOp::unsubscribe:
            router_.unsubscribe(id, request.topics);
            send_text(client, encode_ack(request.id_json));
            return;
        case RequestOp::publish:
            send_text(client, encode_error(request.id_json, error_code::unavailable,
                                           std::string(publish_unavailable)));
            return;
    }
}

}  // namespace mqttws::ws
