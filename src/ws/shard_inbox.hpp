// Role: handoff. The one way into a shard from other threads: many writers
// (the MQTT thread, publish completions), one reader (the shard). A writer
// that finds the inbox empty wakes the shard; the others only append, so a
// burst costs one wakeup, and the shard takes the whole burst in one pass.
//
// The wakeup is an eventfd the shard's reactor waits on, not a handler posted
// to its io_context: asio makes the posting thread interrupt the reactor while
// it holds the scheduler's lock, so the woken shard thread blocks on that lock
// at once and is woken a second time. Per message and shard that was two futex
// calls and an extra sleep; a write to the eventfd is one system call.
//
// A busy shard sees the eventfd only at its next epoll_wait, after every
// handler already queued, so it also asks after each handler whether a burst
// is waiting (take_if_waiting): live messages are not held up behind a crowd
// of handshakes or replays.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <mutex>
#include <vector>

#include "ws/outbound_message.hpp"

namespace mqttws::ws {

// A broker message to deliver, or work to run on the shard's thread (in the
// same order as the messages around it).
struct InboxItem {
    OutboundMessagePtr message;
    std::function<void()> task;
};

class ShardInbox {
  public:
    // Called on the reader's thread with each burst, in the order pushed.
    using Pass = std::function<void(std::vector<InboxItem>&)>;

    // Throws std::system_error when no eventfd can be made.
    explicit ShardInbox(boost::asio::io_context& io);
    ShardInbox(const ShardInbox&) = delete;
    ShardInbox& operator=(const ShardInbox&) = delete;

    // Any thread, for as long as the inbox exists.
    void push(InboxItem item);

    // The reader's thread: runs `pass` for what is queued and for every later burst,
    // until stop().
    void start(Pass pass);
    // The reader's thread, between handlers: the pass now, if a burst is waiting.
    void take_if_waiting();
    // The reader's thread: no more passes; the io_context no longer waits for the inbox.
    void stop();

  private:
    void wait();
    void take();

    const int wakeup_fd_;  // read by writers; the descriptor below owns it
    boost::asio::posix::stream_descriptor wakeup_;
    Pass pass_;
    bool stopped_ = false;
    std::mutex mutex_;
    std::vector<InboxItem> items_;
    // Whether items_ holds anything: a hint read without the lock, written under it.
    std::atomic<bool> waiting_{false};
    std::vector<InboxItem> taken_;  // the reader's, kept for its capacity
};

}  // namespace mqttws::ws
