// Role: frames. One broker message on its way to clients: the decoded msg, its topic split
// once for every shard, and its wire frames, each built at most once (on
// first use, by whichever shard needs it first) and then shared by every
// recipient on every shard.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "mqttws/history_store.hpp"
#include "mqttws/message.hpp"
#include "mqttws/router.hpp"
#include "mqttws/topic_levels.hpp"
#include "ws/server_config.hpp"

namespace mqttws::ws {

class OutboundMessage {
  public:
    explicit OutboundMessage(MessagePtr message)
        : message_(std::move(message)), levels_(message_->topic) {}

    const Message& message() const { return *message_; }
    const TopicLevels& levels() const { return levels_; }
    // The retained store's count of updates when the MQTT thread handed this
    // message over (for a retained message: its own number). Set once
    // before any shard sees the message; a replay uses it to tell a live
    // copy it already served (see RetainedStore).
    std::uint64_t store_mark() const { return store_mark_; }
    void set_store_mark(std::uint64_t mark) { store_mark_ = mark; }
    // Where this message stands in its topic's history (--history), if kept.
    // Set once by the MQTT thread before any shard sees the message.
    const std::optional<HistoryStamp>& history() const { return history_; }
    void set_history(const HistoryStamp& stamp) { history_ = stamp; }
    // The history's sequence when the message was handed over (as
    // store_mark(), for recoveries).
    std::uint64_t history_mark() const { return history_mark_; }
    void set_history_mark(std::uint64_t mark) { history_mark_ = mark; }
    // A prepared (already framed) websocketpp message: websocketpp queues it
    // unchanged, so all recipients share one buffer. Built once, then kept.
    // Null when the form has nothing to send (an empty text payload).
    const FramePtr& frame(WireForm form) const;
    // For a replay at `now`: the frame if some recipient already had it
    // built, otherwise one made for this caller alone and not kept (a replay
    // must not leave a copy of every retained message behind). A message with
    // an expiry interval carries what is left of it, as a broker's would;
    // null once it has expired.
    FramePtr frame_for_replay(WireForm form, std::chrono::steady_clock::time_point now) const;

  private:
    FramePtr build(WireForm form) const;
    static FramePtr build(WireForm form, const Message& msg, const StreamPosition* position);

    MessagePtr message_;
    TopicLevels levels_;
    std::uint64_t store_mark_ = 0;
    std::optional<HistoryStamp> history_;
    std::uint64_t history_mark_ = 0;
    mutable std::mutex building_;
    mutable std::array<std::atomic<bool>, wire_form_count> built_{};
    mutable std::array<FramePtr, wire_form_count> frames_;
};

using OutboundMessagePtr = std::shared_ptr<const OutboundMessage>;

// Frames `payload` as one unmasked server-to-client message.
FramePtr make_prepared_frame(websocketpp::frame::opcode::value opcode, const std::string& payload);

}  // namespace mqttws::ws
