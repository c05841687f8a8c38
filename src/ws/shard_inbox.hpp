// Role: handoff. The one way into a shard from other threads: many writers
// (the MQTT thread, publish completions), one reader (the shard). A writer
// that finds the inbox empty wakes the shard; the others only append, so a
// burst costs one wakeup, and the shard takes the whole burst in one pass.
#pragma once

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
    // Any thread. True when the inbox was empty: the caller wakes the shard.
    bool push(InboxItem item) {
        const std::lock_guard<std::mutex> lock(mutex_);
        items_.push_back(std::move(item));
        return items_.size() == 1;
    }

    // The shard's thread: replaces `out` with everything queued.
    void take(std::vector<InboxItem>& out) {
        out.clear();
        const std::lock_guard<std::mutex> lock(mutex_);
        out.swap(items_);
    }

  private:
    std::mutex mutex_;
    std::vector<InboxItem> items_;
};

}  // namespace mqttws::ws
