// Role: socket writes. The writes of one delivery pass go to the kernel
// together: with io_uring, every session's sendmsg in one submission (one
// system call for the pass instead of one per socket); where io_uring is not
// allowed (an old kernel, a seccomp filter) each is its own sendmsg. Either
// way a write never blocks: what a socket does not take now is reported, and
// the caller finishes it asynchronously.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ws/frame.hpp"

namespace mqttws::ws {

struct SendOutcome {
    FrameWrite result;
    std::size_t written = 0;  // bytes the kernel took
};

class BatchedSender {
  public:
    // `use_uring`: try io_uring (false: one sendmsg per write, as tests of
    // both paths need).
    explicit BatchedSender(bool use_uring = true);
    ~BatchedSender();
    BatchedSender(const BatchedSender&) = delete;
    BatchedSender& operator=(const BatchedSender&) = delete;

    bool batching() const { return ring_ != nullptr; }
    // How writes go, for the start-up log: "io_uring", or "sendmsg" and why.
    std::string method() const;

    // Queues a write of `frames` to `fd` (frames must live until send()).
    void add(int fd, const std::vector<FramePtr>& frames);
    std::size_t size() const { return writes_.size(); }
    // Issues every queued write; `out[i]` is the outcome of the i-th add().
    void send(std::vector<SendOutcome>& out);

  private:
    struct Write {
        int fd;
        std::size_t first_iov;
        std::size_t iov_count;
        std::size_t total;
    };
    struct Ring;

    // Writes from the `from`-th on, each its own sendmsg.
    void send_one_by_one(std::size_t from, std::vector<SendOutcome>& out);
    void give_up_ring();
    void send_through_ring(std::vector<SendOutcome>& out);

    std::unique_ptr<Ring> ring_;
    int init_error_ = 0;  // io_uring_queue_init's, when it failed
    std::vector<Write> writes_;
    std::vector<iovec> iovs_;
    std::vector<msghdr> headers_;
};

// One non-blocking sendmsg of `frames`: done when the kernel took it all,
// pending with `written` < total, failed when the socket is broken.
FrameWrite send_frames(int fd, const std::vector<FramePtr>& frames, std::size_t& written);
// What one non-blocking sendmsg did with frames after their first bytes.
struct PartialSend {
    FrameWrite result;
    std::size_t written = 0;  // bytes the kernel took
    // The kernel took all it was offered, and there was more than one
    // sendmsg carries: send again at once, not after waiting for room.
    bool capped = false;
};
// One non-blocking sendmsg of the frames [first, last) after their first
// `skip` bytes (the rest of a write the kernel took part of).
PartialSend send_frames_after(int fd, const FramePtr* first, const FramePtr* last,
                              std::size_t skip);

}  // namespace mqttws::ws
