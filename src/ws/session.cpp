// Role: session (see session.hpp).
#include "ws/session.hpp"

#include <utility>

#include "mqttws/envelope_encoder.hpp"
#include "ws/outbound_message.hpp"

namespace mqttws::ws {

Session::Session(ClientId id, std::string session_id, bool protocol, WireForm form,
                 FlowLimits limits)
    : id_(id),
      session_id_(std::move(session_id)),
      protocol_(protocol),
      form_(form),
      queue_(limits) {
    // Until the 101 response is written nothing else can be: count it as
    // the write in flight, so frames beyond the bound are judged meanwhile.
    queue_.hold();
}

void Session::accept(FramePtr frame, SendStatus status) {
    switch (status) {
        case SendStatus::queued:
            if (missed_ > 0 && protocol_) {
                // Caught up: say how much was lost before the next message.
                queue_.append(
                    make_prepared_frame(websocketpp::frame::opcode::text, encode_dropped(missed_)));
            }
            missed_ = 0;
            queue_.append(std::move(frame));
            return;
        case SendStatus::dropped:
            ++missed_;
            return;
        case SendStatus::over_limit:
            close();
            return;
    }
}

const std::string& Session::user() const {
    static const std::string nobody;
    return identity ? identity->user : nobody;
}

void Session::send_later(std::unique_ptr<FrameSource> source) {
    if (state_ == SessionState::closing) return;
    queue_.append(std::move(source));
}

void Session::opened() {
    if (state_ == SessionState::handshaking) state_ = SessionState::open;
    was_open_ = true;
    queue_.write_done();
}

void Session::close() {
    state_ = SessionState::closing;
    queue_.clear();
}

bool Session::take_write(std::vector<FramePtr>& out, std::uint64_t pass) {
    if (state_ != SessionState::open) {
        out.clear();
        return false;
    }
    if (!queue_.take_write(out, pass)) return false;
    delivered_ += out.size();
    return true;
}

}  // namespace mqttws::ws
