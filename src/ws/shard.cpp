// Role: websocketpp glue (see shard.hpp).
#include "ws/shard.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "ws/connection_log.hpp"
#include "ws/http_endpoints.hpp"

namespace mqttws::ws {

template <typename Config>
BasicShard<Config>::BasicShard(unsigned index, ShardContext context)
    : index_(index),
      core_(index, std::move(context), io_, *this),
      accept_(server_, io_, core_.context().descriptors, index) {
    const WsOptions& options = core_.options();
    stream_settings_.max_message_size = options.max_message_size;
    stream_settings_.pong_timeout = options.pong_timeout;
    if constexpr (std::is_same_v<Config, PlainConfig>) read_buffer_.resize(64 << 10);
    // websocketpp logs every frame by default; our own logs say what matters.
    log::route_websocketpp_logs(server_);
    server_.init_asio(&io_);
    server_.set_reuse_addr(true);
    server_.set_listen_backlog(1024);
    server_.set_max_message_size(options.max_message_size);
    server_.set_max_http_body_size(0);
    server_.set_open_handshake_timeout(options.handshake_timeout.count());
    server_.set_tls_handshake_timeout(options.handshake_timeout.count());
    // Every response's Server header (101, refusals, HTTP endpoints, the
    // parser's 400): what it is, not which library version to look up.
    server_.set_user_agent(server_header);
    server_.set_pong_timeout(options.pong_timeout.count());
    server_.set_pong_timeout_handler([this](auto hdl, auto) {
        // No pong: the peer is gone or stuck. A close handshake would wait
        // for it again, so drop the TCP connection at once.
        const ConnectionPtr con = server_.get_con_from_hdl(hdl);
        const Session* session = core_.find(con->client_id);
        spdlog::info("session {}: no pong within {} ms, dropping the connection",
                     session ? session->session_id() : "?", core_.options().pong_timeout.count());
        con->terminate(websocketpp::lib::error_code());
    });
    server_.set_tcp_pre_bind_handler([this](auto acceptor) {
        accept_.use(acceptor);
        // Every shard binds the same port; the kernel spreads connections.
        int one = 1;
        if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) !=
            0) {
            return websocketpp::lib::error_code(errno, std::system_category());
        }
        return websocketpp::lib::error_code();
    });
    server_.set_pong_handler(
        [this](auto hdl, auto) { core_.on_pong(server_.get_con_from_hdl(hdl)->client_id); });
    server_.set_validate_handler([this](auto hdl) { return on_validate(hdl); });
    server_.set_open_handler([this](auto hdl) { on_open(hdl); });
    server_.set_close_handler([this](auto hdl) { on_close(hdl); });
    server_.set_fail_handler([this](auto hdl) { on_close(hdl); });
    server_.set_message_handler([this](auto hdl, auto frame) {
        core_.on_frame(server_.get_con_from_hdl(hdl)->client_id, frame->get_payload(),
                       frame->get_opcode() == websocketpp::frame::opcode::binary);
    });
    server_.set_http_handler([this](auto hdl) {
        const ShardContext& shared = core_.context();
        answer_http(*server_.get_con_from_hdl(hdl), shared.options, shared.state,
                    shared.render_metrics, shared.console);
    });
    if constexpr (std::is_same_v<Config, TlsConfig>) {
        // Each handshake takes the context current at that moment: after a
        // reload new clients get the new certificate, open ones keep theirs.
        server_.set_tls_init_handler([store = options.security.tls](websocketpp::connection_hdl) {
            return store->current();
        });
    }
}

template <typename Config>
std::error_code BasicShard<Config>::listen() {
    const WsOptions& options = core_.options();
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(options.listen_host, ec);
    if (ec) return std::make_error_code(std::errc::invalid_argument);
    websocketpp::lib::error_code wec;
    server_.listen(boost::asio::ip::tcp::endpoint(address, options.listen_port), wec);
    if (!wec) accept_.start(wec);
    if (wec) return std::error_code(wec.value(), std::system_category());
    return {};
}

template <typename Config>
void BasicShard<Config>::run() {
    core_.start();
    // A handler that throws must not take the other clients down with it.
    for (;;) {
        try {
            // One handler at a time, so a waiting burst goes next (ShardInbox). A pass
            // run this way is outside any handler: work it posts goes through the
            // scheduler's queue, and dispatch() from it would not run inline.
            while (io_.run_one() != 0) core_.take_waiting_burst();
            return;
        } catch (const std::exception& e) {
            spdlog::error("shard {}: unexpected exception in handler: {}", index_, e.what());
        }
    }
}

template <typename Config>
void BasicShard<Config>::post_shutdown() {
    boost::asio::post(io_, [this] {
        websocketpp::lib::error_code ec;
        accept_.stop();
        server_.stop_listening(ec);
        core_.shutdown();
    });
}

template <typename Config>
FrameWrite BasicShard<Config>::write(Session& session, const std::vector<FramePtr>& frames,
                                     std::size_t& written) {
    written = 0;
    const DirectWrite& direct = session.direct;
    // After a close frame (or websocketpp's shutdown) no data frame may follow.
    if (direct.closing) return FrameWrite::failed;
    // TLS: websocketpp's connection sequences every write.
    if (!direct.streamed) return connection_of(session).write_frames(frames);
    // A write of the stream's own waits: behind it.
    if (!direct.writable_directly()) return stream_of(session).write_frames(frames, 0);
    const FrameWrite result = send_frames(direct.fd, frames, written);
    if (result != FrameWrite::pending) return result;
    return stream_of(session).write_frames(frames, written);
}

template <typename Config>
void BasicShard<Config>::write_pass(PassWrite* writes, std::size_t count) {
    // Writes that go straight to their socket go to the kernel together;
    // the others (TLS, websocketpp writing, closing) one by one as ever.
    for (PassWrite* w = writes; w != writes + count; ++w) {
        const DirectWrite& direct = w->session->direct;
        if (sender_.batching() && direct.writable_directly()) {
            sender_.add(direct.fd, w->frames);
            sent_.push_back(w);
        } else {
            w->result = write(*w->session, w->frames, w->written);
        }
    }
    if (sent_.empty()) return;
    sender_.send(sent_outcomes_);
    for (std::size_t i = 0; i < sent_.size(); ++i) {
        PassWrite& w = *sent_[i];
        w.result = sent_outcomes_[i].result;
        w.written = sent_outcomes_[i].written;
        if (w.result == FrameWrite::pending) {
            w.result = stream_of(*w.session).write_frames(w.frames, w.written);
        }
    }
    sent_.clear();
}

template <typename Config>
void BasicShard<Config>::continue_later(Session& session) {
    boost::asio::post(io_, [this, id = session.id()] { core_.resume(id); });
}

template <typename Config>
bool BasicShard<Config>::kernel_has_room(const Session& session) {
    const int socket = session.direct.streamed
                           ? session.direct.fd
                           : connection_of(session).get_raw_socket().native_handle();
    if (socket < 0) return false;
    pollfd fd{socket, POLLOUT, 0};
    return ::poll(&fd, 1, 0) == 1 && (fd.revents & POLLOUT) != 0;
}

template <typename Config>
void BasicShard<Config>::close(Session& session, std::uint16_t code, const std::string& reason) {
    if (session.direct.streamed) {
        stream_of(session).close(code, reason);
        return;
    }
    websocketpp::lib::error_code ec;
    connection_of(session).close(code, reason, ec);
}

template <typename Config>
bool BasicShard<Config>::ping(Session& session) {
    if (session.direct.streamed) return stream_of(session).ping();
    websocketpp::lib::error_code ec;
    connection_of(session).ping("", ec);
    return !ec;
}

template <typename Config>
void BasicShard<Config>::on_write_done(ClientId client) {
    core_.write_done(client);
}

template <typename Config>
void BasicShard<Config>::on_stream_pong_missing(ClientId client) {
    const Session* session = core_.find(client);
    spdlog::info("session {}: no pong within {} ms, dropping the connection",
                 session ? session->session_id() : "?", core_.options().pong_timeout.count());
}

template <typename Config>
bool BasicShard<Config>::on_validate(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    // On a reserved descriptor: the process has none left for a client.
    HandshakeResult result =
        con->descriptor_loan
            ? HandshakeResult(Refusal{
                  RefusalKind::out_of_descriptors, 503, "server out of file descriptors", {}})
            : core_.decide({con->get_resource(), con->get_request_header("Origin"),
                            con->get_request_header("Authorization"),
                            con->get_requested_subprotocols()});
    if (const auto* refusal = std::get_if<Refusal>(&result)) {
        core_.count_refusal(refusal->kind);
        if (refusal->kind == RefusalKind::unauthorized) {
            spdlog::info("unauthorized handshake from {}: {}", con->get_remote_endpoint(),
                         refusal->log_detail);
            con->replace_header("WWW-Authenticate", "Bearer");
        }
        con->set_status(static_cast<websocketpp::http::status_code::value>(refusal->status));
        con->replace_header("Content-Type", "text/plain; charset=utf-8");
        con->set_body(refusal->reason + "\n");
        log_refused(con->get_remote_endpoint(), con->get_resource(), refusal->status,
                    refusal->reason);
        return false;
    }
    auto& admission = std::get<Admission>(result);
    if (admission.protocol) con->select_subprotocol(protocol_subprotocol);
    const Session& session =
        core_.admit(std::move(admission), {con, con->get_remote_endpoint(), con->get_resource()});
    con->append_header("X-Session-Id", session.session_id());
    con->client_id = session.id();
    con->listener = this;
    return true;
}

template <typename Config>
void BasicShard<Config>::on_open(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const ClientId id = con->client_id;
    if (Session* session = core_.find(id)) {
        if constexpr (std::is_same_v<Config, PlainConfig>) {
            hand_over(con, *session);
            core_.opened(id);
            return;
        }
        con->direct = &session->direct;
    }
    core_.opened(id);
    // websocketpp keeps the request, the response and the parsed URI for the
    // connection's life; nothing reads them after the handshake (the session
    // copied what it needs), and they are most of an idle connection's heap.
    using Request = typename Connection::request_type;
    using Response = typename Connection::response_type;
    const_cast<Request&>(con->get_request()) = Request();
    const_cast<Response&>(con->get_response()) = Response();
    con->set_uri(websocketpp::uri_ptr());
}

template <typename Config>
void BasicShard<Config>::hand_over(const ConnectionPtr& con, Session& session) {
    boost::system::error_code ec;
    const int fd = con->get_raw_socket().release(ec);
    // Fails only for a socket already closed: websocketpp ends the
    // connection and reports it as for any other.
    if (ec) return;
    StreamEvents& events = *this;
    std::shared_ptr<WsStream> stream;
    try {
        stream = std::make_shared<WsStream>(io_, fd, session.id(), events, stream_settings_,
                                            read_buffer_);
    } catch (const std::exception& e) {
        // The descriptor could not join the shard's epoll set: websocketpp's
        // next read fails on the released socket, and it reports the end as
        // for any other.
        ::close(fd);
        spdlog::warn("session {}: connection dropped after its upgrade: {}", session.session_id(),
                     e.what());
        return;
    }
    // websocketpp forgets the connection: no read, no close handler.
    con->handed_over = true;
    con->client_id = 0;
    con->listener = nullptr;
    session.direct.streamed = true;
    stream->start(&session.direct);
    session.connection = std::move(stream);
}

template <typename Config>
void BasicShard<Config>::on_close(websocketpp::connection_hdl hdl) {
    const ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const ClientId id = std::exchange(con->client_id, 0);
    con->direct = nullptr;  // the session goes; the connection may stay a while
    if (id == 0) return;    // refused at the handshake
    CloseFacts facts;
    facts.code = static_cast<int>(con->get_remote_close_code());
    facts.reason = con->get_remote_close_reason();
    if (const auto ec = con->get_ec()) facts.error = ec.message();
    core_.closed(id, std::move(facts));
}

template class BasicShard<PlainConfig>;
template class BasicShard<TlsConfig>;

std::unique_ptr<Shard> make_shard(unsigned index, ShardContext context, bool tls) {
    if (tls) return std::make_unique<BasicShard<TlsConfig>>(index, std::move(context));
    return std::make_unique<BasicShard<PlainConfig>>(index, std::move(context));
}

}  // namespace mqttws::ws
