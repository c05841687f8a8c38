// Role: websocketpp glue. A shard's accept loop, in place of websocketpp's
// start_accept: that one starts the next accept at once after a failure, and
// when the process is out of file descriptors the waiting connection stays in
// the backlog, so it spun at 100% CPU and answered nobody, /healthz included.
// It accepts on the endpoint's acceptor itself: websocketpp's transport turns
// the error into `pass_through`, and EMFILE must be told from the rest.
//
// Here a shortage lends a descriptor from the DescriptorReserve to accept the
// waiting connection (the glue refuses a WebSocket upgrade on it with 503 and
// serves plain HTTP), or, with the whole reserve lent out, waits on a timer.
// A shortage is logged when it begins and when an accept succeeds again with
// the reserve whole.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <memory>
#include <websocketpp/error.hpp>

#include "log/log_event.hpp"
#include "ws/descriptor_reserve.hpp"

namespace mqttws::ws {

template <typename Server>
class AcceptLoop {
  public:
    using ConnectionPtr = typename Server::connection_ptr;
    using ErrorCode = websocketpp::lib::error_code;
    using Acceptor = boost::asio::ip::tcp::acceptor;

    // How long a shard waits for a lent descriptor to come back before it
    // tries to accept again.
    static constexpr std::chrono::milliseconds retry_interval{100};

    AcceptLoop(Server& server, boost::asio::io_context& io, DescriptorReserve& reserve,
               unsigned shard)
        : server_(server), reserve_(reserve), retry_(io), shard_(shard) {}

    // The endpoint's acceptor, from its pre-bind handler.
    void use(std::shared_ptr<Acceptor> acceptor) { acceptor_ = std::move(acceptor); }
    // After listen(); fails when the endpoint does not listen.
    void start(ErrorCode& ec) { accept(ec); }
    // Before the endpoint stops listening.
    void stop() { retry_.cancel(); }

  private:
    void accept(ErrorCode& ec) {
        if (!acceptor_ || !server_.is_listening()) {
            ec =
                websocketpp::error::make_error_code(websocketpp::error::async_accept_not_listening);
            return;
        }
        const ConnectionPtr con = server_.get_connection();
        if (!con) {
            ec = websocketpp::error::make_error_code(websocketpp::error::con_creation_failed);
            return;
        }
        acceptor_->async_accept(
            con->get_raw_socket(),
            [this, con](const boost::system::error_code& result) { accepted(con, result); });
    }

    void accept_next() {
        ErrorCode ec;
        accept(ec);  // fails only once the endpoint stopped listening
    }

    void accepted(const ConnectionPtr& con, const boost::system::error_code& ec) {
        // What was lent comes back first. Linux takes the descriptor before it
        // looks at the backlog, so an accept fails with EMFILE even with no
        // connection waiting, and the one that later takes a lent number may
        // arrive once others are free again: only a connection that leaves
        // the reserve short holds one of its numbers and is served as a loan.
        const bool whole = reserve_.refill();
        if (!ec) {
            if (!whole) {
                con->descriptor_loan = &reserve_;
            } else if (reserve_.in_shortage()) {
                recovered();
            }
            con->start();
            accept_next();
            return;
        }
        // A connection never started must be terminated, or it is never freed.
        con->terminate(ErrorCode());
        if (ec == boost::asio::error::operation_aborted || !server_.is_listening()) return;
        if (ec == boost::asio::error::no_descriptors || ec.value() == ENFILE) {
            short_of_descriptors(ec);
            return;
        }
        // Anything else concerned that one connection (reset in the backlog, ...).
        accept_next();
    }

    void short_of_descriptors(const boost::system::error_code& ec) {
        if (reserve_.begin_shortage() && log::enabled(spdlog::level::warn)) {
            log::event(
                spdlog::level::warn,
                "out of file descriptors: new WebSocket connections get 503 until some close",
                log::Fields().add("shard", shard_).add("error", ec.message()));
        }
        if (reserve_.lend()) {
            accept_next();
            return;
        }
        retry_.expires_after(retry_interval);
        retry_.async_wait([this](const boost::system::error_code& cancelled) {
            if (cancelled || !server_.is_listening()) return;
            accept_next();
        });
    }

    void recovered() {
        std::chrono::steady_clock::duration lasted{};
        const std::optional<std::uint64_t> refused = reserve_.end_shortage(lasted);
        if (!refused || !log::enabled(spdlog::level::info)) return;
        log::event(spdlog::level::info, "file descriptors available again",
                   log::Fields()
                       .add("shard", shard_)
                       .add("refused", *refused)
                       .add("seconds", std::chrono::duration<double>(lasted).count()));
    }

    Server& server_;
    std::shared_ptr<Acceptor> acceptor_;
    DescriptorReserve& reserve_;
    boost::asio::steady_timer retry_;
    const unsigned shard_;
};

}  // namespace mqttws::ws
