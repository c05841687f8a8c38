// Role: handoff (see shard_inbox.hpp).
#include "ws/shard_inbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>

namespace mqttws::ws {

namespace {

int make_eventfd() {
    const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::system_category(), "eventfd");
    return fd;
}

}  // namespace

ShardInbox::ShardInbox(boost::asio::io_context& io)
    : wakeup_fd_(make_eventfd()), wakeup_(io, wakeup_fd_) {}

void ShardInbox::push(InboxItem item) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        items_.push_back(std::move(item));
        if (items_.size() != 1) return;
        waiting_.store(true, std::memory_order_relaxed);
    }
    // Outside the lock: the woken reader's first step is to take it. The write
    // fails only when the counter is about to overflow, which needs 2^64 writes
    // the reader never reads, and then the reader is already awake.
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wakeup_fd_, &one, sizeof one);
}

void ShardInbox::start(Pass pass) {
    pass_ = std::move(pass);
    wait();
    // A pass for what was pushed before the wait existed, run by the loop like any other.
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wakeup_fd_, &one, sizeof one);
}

void ShardInbox::take_if_waiting() {
    if (!waiting_.load(std::memory_order_relaxed) || stopped_) return;
    // The eventfd stays readable: its handler comes later and finds little or nothing.
    take();
}

void ShardInbox::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    wakeup_.cancel(ignored);
}

void ShardInbox::wait() {
    // The reactor watches the eventfd edge-triggered, and asio arms each wait with
    // EPOLL_CTL_MOD, which checks the eventfd again: a push at any time after the
    // counter was read wakes the shard once more.
    wakeup_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                       [this](const boost::system::error_code& error) {
                           if (error || stopped_) return;
                           wait();
                           std::uint64_t count = 0;
                           [[maybe_unused]] const auto read =
                               ::read(wakeup_fd_, &count, sizeof count);
                           take();
                       });
}

void ShardInbox::take() {
    taken_.clear();
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        taken_.swap(items_);
        waiting_.store(false, std::memory_order_relaxed);
    }
    if (!taken_.empty()) pass_(taken_);
}

}  // namespace mqttws::ws
