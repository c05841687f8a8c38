// Role: flow control. One client's outbound queue and the rule that bounds
// it; no sockets. The socket is asked one thing, through a probe, only when
// the rule needs it: whether the kernel would take more of this client's
// bytes now.
//
// The rule (docs/reliability.md, "Slow clients"):
//   - One write in flight per client. Frames queued meanwhile go out together
//     in the next write, handed over when the previous one completes.
//   - A frame is always accepted when nothing is unsent: one frame larger than
//     --max-buffered-bytes still reaches a client that keeps up.
//   - Unsent bytes are those queued plus those of the write in flight that
//     the kernel has not accepted yet. A frame that keeps them within the
//     bound is accepted.
//   - Beyond the bound the client is judged, never before the bridge has tried
//     to write and the kernel had a moment to drain: with no write in flight
//     the frame is accepted (the caller then writes at once); with a write
//     started during this pass it is accepted up to twice the bound; with an
//     older write in flight it is accepted while the kernel still has room for
//     the client's bytes. Otherwise the client is slow.
//   - Frames queued behind a replay (live messages that arrive while a client
//     is being sent the retained state) cannot move until the replay ends;
//     they alone are held to the bound.
//   - A replay is pulled, not copied: at most half the bound per write.
//   - A write carries at most max_frames_per_write frames: the socket's
//     gather lists (ours and the kernel's) stay small.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ws/frame.hpp"

namespace mqttws::ws {

// What became of one frame offered to a client (after uWebSockets' SendStatus).
enum class SendStatus : std::uint8_t {
    queued,      // it will be written, in order
    dropped,     // over the bound with --slow-client drop: this frame is lost
    over_limit,  // over the bound with --slow-client close: close the client
};

struct FlowLimits {
    std::uint64_t max_buffered_bytes = 1 << 20;
    bool drop_when_slow = false;
};

// Frames made on demand, as the socket drains: a replay cursor over a store.
class FrameSource {
  public:
    virtual ~FrameSource() = default;
    // The next frame, or null when there is nothing more.
    virtual FramePtr next() = 0;
    // The client unsubscribed from these filters: yield nothing more for them.
    virtual void drop_filters(const std::vector<std::string>& filters) = 0;
    // False while the source must not be read yet (what waits behind it
    // waits too); the owner resumes the client when it becomes ready.
    virtual bool ready() const { return true; }
};

std::uint64_t frame_bytes(const FramePtr& frame);

class OutboundQueue {
  public:
    static constexpr std::size_t max_frames_per_write = 64;

    explicit OutboundQueue(FlowLimits limits) : limits_(limits) {}

    // Whether a frame of `size` bytes may be queued now, in delivery pass
    // `pass`. `kernel_has_room` (bool()) is called at most once, and only
    // when a write started in an earlier pass is in flight.
    template <typename Probe>
    SendStatus admit(std::uint64_t size, std::uint64_t pass, Probe&& kernel_has_room) const {
        if (!sources_.empty()) {
            // Behind a replay: nothing here can move yet.
            if (behind_bytes_ == 0 || behind_bytes_ + size <= limits_.max_buffered_bytes) {
                return SendStatus::queued;
            }
            return over();
        }
        const std::uint64_t unsent = ready_bytes_ + in_flight_bytes_;
        if (unsent == 0 || unsent + size <= limits_.max_buffered_bytes) return SendStatus::queued;
        if (!in_flight_) return SendStatus::queued;
        if (write_pass_ == pass && unsent + size <= 2 * limits_.max_buffered_bytes) {
            return SendStatus::queued;  // the kernel was handed this write moments ago
        }
        if (kernel_has_room()) return SendStatus::queued;
        return over();
    }

    // Queues an admitted frame behind everything else.
    void append(FramePtr frame);
    // Queues a source behind everything else; frames appended later follow it.
    void append(std::unique_ptr<FrameSource> source);

    // The frames of the next write, when no write is in flight: what is
    // queued up to the first source, then what sources yield up to half the
    // bound (at least one frame), max_frames_per_write in all. False when
    // there is nothing to write.
    bool take_write(std::vector<FramePtr>& out, std::uint64_t pass);
    // The kernel took `bytes` of the write in flight at once.
    void wrote(std::uint64_t bytes) { in_flight_bytes_ -= std::min(bytes, in_flight_bytes_); }
    void write_done();
    void drop_filters(const std::vector<std::string>& filters);
    // A write outside the queue's knowledge is under way (the handshake
    // response): the queue acts as if one of its own were in flight.
    void hold() { in_flight_ = true; }

    bool write_in_flight() const { return in_flight_; }
    // Queued bytes that a write could carry now (not those behind a source).
    std::uint64_t ready_bytes() const { return ready_bytes_; }
    std::uint64_t unsent_bytes() const { return ready_bytes_ + behind_bytes_ + in_flight_bytes_; }
    bool empty() const { return ready_head_ == ready_.size() && sources_.empty(); }
    // Forgets everything queued (the client is being closed).
    void clear();

  private:
    SendStatus over() const {
        return limits_.drop_when_slow ? SendStatus::dropped : SendStatus::over_limit;
    }

    // A source, then the frames queued after it until the next source.
    struct Pending {
        std::unique_ptr<FrameSource> source;
        std::vector<FramePtr> frames;
    };

    FlowLimits limits_;
    // Vectors, not deques: an idle client's queue must cost no allocation.
    std::vector<FramePtr> ready_;
    std::size_t ready_head_ = 0;  // ready_[0, ready_head_) are taken already
    std::vector<Pending> sources_;
    std::uint64_t ready_bytes_ = 0;
    std::uint64_t behind_bytes_ = 0;
    std::uint64_t in_flight_bytes_ = 0;
    std::uint64_t write_pass_ = 0;  // the pass in which the write in flight started
    bool in_flight_ = false;
};

}  // namespace mqttws::ws
