#include "harness/ws_connection.hpp"

#include <boost/asio/post.hpp>
#include <sstream>

namespace mwb::it {
namespace {

// Generous: 200 clients connect at once on a loaded 2-core machine.
constexpr long kOpenHandshakeTimeoutMs = 60'000;
constexpr long kCloseHandshakeTimeoutMs = 10'000;

const char* state_name(WsConnection::State state) {
    switch (state) {
        case WsConnection::State::connecting:
            return "connecting";
        case WsConnection::State::open:
            return "open";
        case WsConnection::State::failed:
            return "failed";
        case WsConnection::State::closed:
            return "closed";
    }
    return "?";
}

}  // namespace

WsConnection::WsConnection(WsClientEndpoint& endpoint, std::string uri)
    : endpoint_(endpoint), uri_(std::move(uri)) {}

void WsConnection::start(const std::optional<std::string>& subprotocol) {
    websocketpp::lib::error_code ec;
    WsClientEndpoint::connection_ptr con = endpoint_.get_connection(uri_, ec);
    if (!ec && subprotocol) con->add_subprotocol(*subprotocol, ec);
    if (ec) {
        std::lock_guard<std::mutex> lock(mutex_);
        state_ = State::failed;
        error_ = "cannot create connection to " + uri_ + ": " + ec.message();
        changed_.notify_all();
        return;
    }
    con->set_open_handshake_timeout(kOpenHandshakeTimeoutMs);
    con->set_close_handshake_timeout(kCloseHandshakeTimeoutMs);
    // The connection outlives no pool: the pool destroys its WsConnections only after its I/O
    // thread has stopped, so `this` is valid whenever a handler runs.
    // Handlers look the connection up by handle: capturing `con` would make it own itself.
    con->set_open_handler(
        [this](websocketpp::connection_hdl hdl) { on_open(endpoint_.get_con_from_hdl(hdl)); });
    con->set_fail_handler(
        [this](websocketpp::connection_hdl hdl) { on_fail(endpoint_.get_con_from_hdl(hdl)); });
    con->set_close_handler(
        [this](websocketpp::connection_hdl hdl) { on_close(endpoint_.get_con_from_hdl(hdl)); });
    con->set_message_handler(
        [this](websocketpp::connection_hdl, WsClientEndpoint::message_ptr message) {
            on_message(std::move(message));
        });
    handle_ = con->get_handle();
    endpoint_.connect(con);
}

void WsConnection::on_open(WsClientEndpoint::connection_ptr con) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::open;
    was_open_ = true;
    response_code_ = static_cast<int>(con->get_response_code());
    response_reason_ = con->get_response_msg();
    session_id_ = con->get_response_header("X-Session-Id");
    // websocketpp's client never records the negotiated subprotocol; read the response.
    subprotocol_ = con->get_response_header("Sec-WebSocket-Protocol");
    changed_.notify_all();
}

void WsConnection::on_fail(WsClientEndpoint::connection_ptr con) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::failed;
    response_code_ = static_cast<int>(con->get_response_code());
    response_reason_ = con->get_response_msg();
    response_body_ = con->get_response().get_body();
    session_id_ = con->get_response_header("X-Session-Id");
    error_ = con->get_ec().message();
    changed_.notify_all();
}

void WsConnection::on_close(WsClientEndpoint::connection_ptr con) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::closed;
    remote_close_code_ = con->get_remote_close_code();
    remote_close_reason_ = con->get_remote_close_reason();
    error_ = con->get_ec().message();
    changed_.notify_all();
}

void WsConnection::on_message(WsClientEndpoint::message_ptr message) {
    std::lock_guard<std::mutex> lock(mutex_);
    frames_.push_back(WsFrame{message->get_opcode() == websocketpp::frame::opcode::binary,
                              message->get_payload()});
    changed_.notify_all();
}

WsConnection::State WsConnection::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_;
}

bool WsConnection::wait_open(const Deadline& deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_until(lock, deadline.when(), [&] { return state_ != State::connecting; });
    return was_open_;
}

int WsConnection::response_code() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return response_code_;
}

std::string WsConnection::response_reason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return response_reason_;
}

std::string WsConnection::response_body() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return response_body_;
}

std::string WsConnection::error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
}

std::string WsConnection::session_id() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return session_id_;
}

std::string WsConnection::subprotocol() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return subprotocol_;
}

bool WsConnection::wait_for_messages(std::size_t count, const Deadline& deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline.when(), [&] { return frames_.size() >= count; });
}

std::optional<WsFrame> WsConnection::next_message(const Deadline& deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_until(lock, deadline.when(), [&] { return frames_.size() > next_; })) {
        return std::nullopt;
    }
    return frames_[next_++];
}

std::vector<WsFrame> WsConnection::messages() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_;
}

std::size_t WsConnection::message_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_.size();
}

void WsConnection::send_text(const std::string& text) {
    boost::asio::post(endpoint_.get_io_service(), [this, text] {
        websocketpp::lib::error_code ec;
        endpoint_.send(handle_, text, websocketpp::frame::opcode::text, ec);
        if (ec) {
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = "send: " + ec.message();
        }
    });
}

void WsConnection::close(std::uint16_t code, const std::string& reason) {
    boost::asio::post(endpoint_.get_io_service(), [this, code, reason] {
        websocketpp::lib::error_code ec;
        endpoint_.close(handle_, code, reason, ec);  // ec when already closing: ignored
    });
}

bool WsConnection::wait_closed(const Deadline& deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline.when(),
                               [&] { return state_ == State::closed || state_ == State::failed; });
}

int WsConnection::remote_close_code() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return remote_close_code_;
}

std::string WsConnection::remote_close_reason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return remote_close_reason_;
}

std::string WsConnection::describe() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    out << uri_ << " [" << state_name(state_) << "]";
    if (response_code_ != 0) out << " HTTP " << response_code_ << " " << response_reason_;
    if (!response_body_.empty()) out << " body='" << response_body_ << "'";
    if (!error_.empty()) out << " error='" << error_ << "'";
    if (remote_close_code_ != 0) {
        out << " remote close " << remote_close_code_ << " '" << remote_close_reason_ << "'";
    }
    out << ", " << frames_.size() << " frame(s) received";
    if (!frames_.empty()) {
        const WsFrame& last = frames_.back();
        out << ", last " << (last.binary ? "binary" : "text") << " '" << last.payload.substr(0, 200)
            << "'";
    }
    return out.str();
}

}  // namespace mwb::it
