// Role: socket writes (see batched_sender.hpp).
#include "ws/batched_sender.hpp"

#include <liburing.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace mqttws::ws {
namespace {

// Beyond this many parts per write the rest goes by the asynchronous path.
constexpr std::size_t max_iov_per_write = 128;
// Submission queue entries: a pass with more writes goes in several submissions.
constexpr unsigned ring_entries = 1024;
constexpr int send_flags = MSG_DONTWAIT | MSG_NOSIGNAL;

// Hands each non-empty part of `frames` (header, payload) after their first
// `skip` bytes, up to the cap, to `take`; returns their total size, parts
// beyond the cap included, so a write of them all reports pending and the
// rest goes the asynchronous way.
template <typename Take>
std::size_t for_each_part(const FramePtr* first, const FramePtr* last, std::size_t skip,
                          std::size_t& count, Take&& take) {
    std::size_t total = 0;
    count = 0;
    for (const FramePtr* frame = first; frame != last; ++frame) {
        for (const std::string* part : {&(*frame)->get_header(), &(*frame)->get_payload()}) {
            const std::size_t skipped = std::min(skip, part->size());
            skip -= skipped;
            const std::size_t size = part->size() - skipped;
            total += size;
            if (size == 0 || count == max_iov_per_write) continue;
            take(iovec{const_cast<char*>(part->data()) + skipped, size});
            ++count;
        }
    }
    return total;
}

SendOutcome outcome(long sent, int error, std::size_t total) {
    if (sent < 0 && error != EAGAIN && error != EWOULDBLOCK && error != EINTR) {
        return {FrameWrite::failed, 0};
    }
    const std::size_t written = sent > 0 ? static_cast<std::size_t>(sent) : 0;
    return {written == total ? FrameWrite::done : FrameWrite::pending, written};
}

SendOutcome send_parts(int fd, iovec* parts, std::size_t count, std::size_t total) {
    msghdr header{};
    header.msg_iov = parts;
    header.msg_iovlen = count;
    const ssize_t sent = ::sendmsg(fd, &header, send_flags);
    return outcome(sent, sent < 0 ? errno : 0, total);
}

}  // namespace

struct BatchedSender::Ring {
    io_uring ring;
};

BatchedSender::BatchedSender(bool use_uring) {
    if (!use_uring) return;
    auto ring = std::make_unique<Ring>();
    // Fails with ENOSYS, or EPERM under a seccomp filter or
    // kernel.io_uring_disabled: then one sendmsg per write.
    init_error_ = -io_uring_queue_init(ring_entries, &ring->ring, 0);
    if (init_error_ == 0) ring_ = std::move(ring);
}

std::string BatchedSender::method() const {
    if (ring_) return "io_uring";
    if (init_error_ == 0) return "sendmsg";
    return "sendmsg (io_uring: " + std::string(std::strerror(init_error_)) + ")";
}

BatchedSender::~BatchedSender() {
    give_up_ring();
}

void BatchedSender::give_up_ring() {
    if (!ring_) return;
    io_uring_queue_exit(&ring_->ring);
    ring_.reset();
}

void BatchedSender::add(int fd, const std::vector<FramePtr>& frames) {
    std::size_t count = 0;
    const std::size_t first = iovs_.size();
    const std::size_t total = for_each_part(frames.data(), frames.data() + frames.size(), 0, count,
                                            [&](const iovec& part) { iovs_.push_back(part); });
    writes_.push_back({fd, first, count, total});
}

void BatchedSender::send(std::vector<SendOutcome>& out) {
    out.clear();
    out.reserve(writes_.size());
    // One write costs one system call either way.
    if (ring_ && writes_.size() > 1) {
        send_through_ring(out);
    } else {
        out.resize(writes_.size());
        send_one_by_one(0, out);
    }
    writes_.clear();
    iovs_.clear();
}

void BatchedSender::send_one_by_one(std::size_t from, std::vector<SendOutcome>& out) {
    for (std::size_t i = from; i < writes_.size(); ++i) {
        const Write& write = writes_[i];
        out[i] = send_parts(write.fd, iovs_.data() + write.first_iov, write.iov_count, write.total);
    }
}

void BatchedSender::send_through_ring(std::vector<SendOutcome>& out) {
    io_uring& ring = ring_->ring;
    // The kernel reads each msghdr when it issues the send; they stay put
    // until every completion of their submission is in.
    headers_.assign(writes_.size(), msghdr{});
    out.assign(writes_.size(), SendOutcome{FrameWrite::failed, 0});
    std::size_t next = 0;
    while (next < writes_.size()) {
        const std::size_t chunk = next;
        unsigned queued = 0;
        while (next < writes_.size()) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            if (!sqe) break;
            const Write& write = writes_[next];
            msghdr& header = headers_[next];
            header.msg_iov = iovs_.data() + write.first_iov;
            header.msg_iovlen = write.iov_count;
            // MSG_DONTWAIT: a socket without room completes at once with
            // -EAGAIN instead of waiting in the kernel for it.
            io_uring_prep_sendmsg(sqe, write.fd, &header, send_flags);
            io_uring_sqe_set_data64(sqe, next);
            ++next;
            ++queued;
        }
        int submitted = 0;
        do {
            // Completions already in count towards `queued`: a retry does not wait twice.
            submitted = io_uring_submit_and_wait(&ring, queued);
        } while (submitted == -EINTR);
        if (submitted < 0) {
            // The ring is unusable (it took none of them): give it up for good.
            give_up_ring();
            send_one_by_one(chunk, out);
            return;
        }
        for (unsigned done = 0; done < queued; ++done) {
            io_uring_cqe* cqe = nullptr;
            int waited = 0;
            while ((waited = io_uring_wait_cqe(&ring, &cqe)) == -EINTR) {
            }
            if (waited != 0) {
                // Completions that will not come: what they reported is unknown,
                // so those writes count as failed and the ring is not used again.
                give_up_ring();
                return;
            }
            const auto index = static_cast<std::size_t>(io_uring_cqe_get_data64(cqe));
            const int res = cqe->res;
            out[index] = outcome(res, res < 0 ? -res : 0, writes_[index].total);
            io_uring_cqe_seen(&ring, cqe);
        }
    }
}

FrameWrite send_frames(int fd, const std::vector<FramePtr>& frames, std::size_t& written) {
    const PartialSend sent = send_frames_after(fd, frames.data(), frames.data() + frames.size(), 0);
    written = sent.written;
    return sent.result;
}

PartialSend send_frames_after(int fd, const FramePtr* first, const FramePtr* last,
                              std::size_t skip) {
    std::array<iovec, max_iov_per_write> parts;
    std::size_t count = 0;
    std::size_t offered = 0;
    const std::size_t total = for_each_part(first, last, skip, count, [&](const iovec& part) {
        parts[count] = part;
        offered += part.iov_len;
    });
    const SendOutcome result = send_parts(fd, parts.data(), count, total);
    return {result.result, result.written,
            result.result == FrameWrite::pending && result.written == offered};
}

}  // namespace mqttws::ws
