// Role: recovery. What a client that came back missed, pulled from the
// process's history one batch at a time as its socket drains, topic after
// topic, each in offset order, up to the history's sequence when the
// subscription was made (later messages reach the client live, behind this).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "mqttws/envelope_encoder.hpp"
#include "mqttws/topic_filter.hpp"
#include "ws/history_log.hpp"
#include "ws/outbound_message.hpp"
#include "ws/outbound_queue.hpp"

namespace mqttws::ws {

// One topic to recover: everything after `offset`.
struct RecoveryItem {
    std::string topic;
    std::uint64_t offset = 0;
};

class HistoryReplay final : public FrameSource {
  public:
    // `log` must outlive this replay (it belongs to the server). `filters`:
    // the subscription's, so an unsubscribe can stop what they cover.
    HistoryReplay(const HistoryLog& log, std::vector<RecoveryItem> items, std::uint64_t through,
                  std::vector<std::string> filters, WireForm form)
        : log_(log),
          items_(std::move(items)),
          through_(through),
          filters_(std::move(filters)),
          form_(form) {}

    FramePtr next() override {
        if (held_back_) return std::move(held_back_);
        const auto now = std::chrono::steady_clock::now();
        for (;;) {
            if (taken_ == batch_.size()) {
                if (!refill()) return nullptr;
            }
            const OutboundMessagePtr& entry = batch_[taken_++];
            RecoveryItem& item = items_[item_];
            const std::uint64_t offset = entry->history()->position.offset;
            // Trimmed while this client drained: the answer it was given no
            // longer holds, and it must hear so before the rest.
            const bool lost = offset != item.offset + 1;
            item.offset = offset;
            // A message whose expiry interval ran out is not owed any more.
            FramePtr frame = entry->frame_for_replay(form_, now);
            if (lost) {
                held_back_ = std::move(frame);
                return make_prepared_frame(websocketpp::frame::opcode::text,
                                           encode_recovery_lost(item.topic));
            }
            if (frame) return frame;
        }
    }

    void drop_filters(const std::vector<std::string>& filters) override {
        for (const auto& filter : filters) {
            filters_.erase(std::remove(filters_.begin(), filters_.end(), filter), filters_.end());
        }
        // Topics no remaining filter covers are not owed any more, nor is a
        // message of the current one held behind its notice.
        const auto uncovered = [&](const RecoveryItem& item) {
            return std::none_of(filters_.begin(), filters_.end(),
                                [&](const std::string& f) { return topic_matches(f, item.topic); });
        };
        if (held_back_ && item_ < items_.size() && uncovered(items_[item_])) held_back_.reset();
        items_.erase(std::remove_if(items_.begin() + static_cast<std::ptrdiff_t>(item_),
                                    items_.end(), uncovered),
                     items_.end());
        batch_.clear();
        taken_ = 0;
    }

  private:
    static constexpr std::size_t batch_size = 32;

    // The next batch of the current topic, or of the next ones. False when done.
    bool refill() {
        batch_.clear();
        taken_ = 0;
        while (item_ < items_.size()) {
            const RecoveryItem& item = items_[item_];
            log_.next_batch(item.topic, item.offset, through_, batch_, batch_size);
            if (!batch_.empty()) return true;
            ++item_;
        }
        return false;
    }

    const HistoryLog& log_;
    std::vector<RecoveryItem> items_;
    std::size_t item_ = 0;  // the topic being replayed
    std::uint64_t through_;
    std::vector<std::string> filters_;
    WireForm form_;
    std::vector<OutboundMessagePtr> batch_;
    std::size_t taken_ = 0;
    FramePtr held_back_;  // the message behind a recovery-lost notice
};

}  // namespace mqttws::ws
