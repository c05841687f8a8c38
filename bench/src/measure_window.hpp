// The measured part of a run, shared between the sender and the receiving loop: sequence
// numbers in [first, end) count. `first` is published before the first measured message
// is sent, so a receiver that sees such a message also sees `first`. The window is timed
// (warm-up, then a duration) or, for replay, opened and closed on request by another thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>

namespace mwb::bench {

struct MeasureWindow {
    static constexpr std::uint64_t kUnset = std::numeric_limits<std::uint64_t>::max();
    std::atomic<std::uint64_t> first_seq{kUnset};
    std::atomic<std::uint64_t> end_seq{kUnset};
    std::atomic<std::uint64_t> start_ns{0};
    std::atomic<std::uint64_t> end_ns{0};
    std::atomic<bool> sender_failed{false};
    // Only for a tracker made with WindowTracker::on_request: the sender opens (closes) the
    // window at its next message after these are set.
    std::atomic<bool> open_requested{false};
    std::atomic<bool> close_requested{false};
};

// The sender's side of the window: warm-up from `start_ns`, then `duration_s` measured.
class WindowTracker {
  public:
    WindowTracker(MeasureWindow& window, std::uint64_t start_ns, double warmup_s, double duration_s)
        : WindowTracker(window, start_ns + static_cast<std::uint64_t>(warmup_s * 1e9),
                        static_cast<std::uint64_t>(duration_s * 1e9)) {}

    // A window as long as something else lasts (a replay): it opens and closes when
    // window.open_requested / close_requested are set, whatever the clock says.
    static WindowTracker on_request(MeasureWindow& window) {
        return WindowTracker(window, kNever, 0);
    }

    // Call before sending message `next_seq`; true once the window is closed: send no more.
    bool before_send(std::uint64_t now_ns, std::uint64_t next_seq) {
        if ((now_ns >= open_ns_ || window_.open_requested.load()) &&
            window_.first_seq.load() == MeasureWindow::kUnset) {
            open(now_ns, next_seq);
        }
        if (now_ns < close_ns_ && !window_.close_requested.load()) return false;
        close(now_ns, next_seq);
        return true;
    }
    // Ends the window early because sending failed.
    void fail(std::uint64_t now_ns, std::uint64_t next_seq) {
        window_.sender_failed.store(true);
        close(now_ns, next_seq);
    }

  private:
    static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

    WindowTracker(MeasureWindow& window, std::uint64_t open_ns, std::uint64_t duration_ns)
        : window_(window),
          open_ns_(open_ns),
          close_ns_(open_ns == kNever ? kNever : open_ns + duration_ns) {}

    void open(std::uint64_t now_ns, std::uint64_t next_seq) {
        window_.start_ns.store(now_ns);
        window_.first_seq.store(next_seq);
    }
    // A window closed before it opened is empty, never unset: readers subtract the two.
    void close(std::uint64_t now_ns, std::uint64_t next_seq) {
        if (window_.first_seq.load() == MeasureWindow::kUnset) open(now_ns, next_seq);
        window_.end_ns.store(now_ns);
        window_.end_seq.store(next_seq);
    }

    MeasureWindow& window_;
    std::uint64_t open_ns_;
    std::uint64_t close_ns_;
};

}  // namespace mwb::bench
