// Role: replay. The retained state a new subscription is owed, pulled from
// the process's retained store one frame at a time as the client's socket
// drains (OutboundQueue asks for more only when a write completes).
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "ws/outbound_message.hpp"
#include "ws/outbound_queue.hpp"
#include "ws/retained_store.hpp"

namespace mqttws::ws {

class RetainedReplay final : public FrameSource {
  public:
    // `store` must outlive this replay (it belongs to the server).
    RetainedReplay(const RetainedStore& store, RetainedCursor cursor, WireForm form)
        : store_(store), cursor_(std::move(cursor)), form_(form) {}

    // Whether the replay would yield anything at all.
    bool empty() const { return taken_ == batch_.size() && !store_.has_next(cursor_); }

    FramePtr next() override {
        const auto now = std::chrono::steady_clock::now();
        for (;;) {
            if (taken_ == batch_.size()) {
                // A few entries per walk of the store: a write takes several.
                store_.next_batch(cursor_, batch_, batch_size);
                taken_ = 0;
                if (batch_.empty()) return nullptr;
            }
            const OutboundMessagePtr entry = std::move(batch_[taken_++]);
            // An entry expired but not yet dropped from the store is skipped.
            if (FramePtr frame = entry->frame_for_replay(form_, now)) return frame;
        }
    }

    // While the broker sends its retained state again, the store may still
    // hold what the broker no longer has: wait for the resync to end.
    bool ready() const override { return !store_.resyncing(); }

    void drop_filters(const std::vector<std::string>& filters) override {
        RetainedCache<OutboundMessagePtr>::drop_filters(cursor_, filters);
        batch_.clear();  // taken before the unsubscribe: not owed any more
        taken_ = 0;
    }

  private:
    static constexpr std::size_t batch_size = 32;

    const RetainedStore& store_;
    RetainedCursor cursor_;
    WireForm form_;
    // Entries taken from the store and not yet framed: a snapshot of a few,
    // so a topic changing meanwhile may reach the client as the old message
    // here and then live (in that order), never the other way round.
    std::vector<OutboundMessagePtr> batch_;
    std::size_t taken_ = 0;
};

}  // namespace mqttws::ws
