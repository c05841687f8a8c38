// Role: flow control (see outbound_queue.hpp).
#include "ws/outbound_queue.hpp"

#include <utility>

namespace mqttws::ws {

std::uint64_t frame_bytes(const FramePtr& frame) {
    return frame->get_header().size() + frame->get_payload().size();
}

void OutboundQueue::append(FramePtr frame) {
    const std::uint64_t size = frame_bytes(frame);
    if (sources_.empty()) {
        ready_bytes_ += size;
        ready_.push_back(std::move(frame));
    } else {
        behind_bytes_ += size;
        sources_.back().frames.push_back(std::move(frame));
    }
}

void OutboundQueue::append(std::unique_ptr<FrameSource> source) {
    sources_.push_back(Pending{std::move(source), {}});
}

bool OutboundQueue::take_write(std::vector<FramePtr>& out, std::uint64_t pass) {
    out.clear();
    if (in_flight_) return false;
    std::uint64_t taken = 0;
    while (ready_head_ < ready_.size() && out.size() < max_frames_per_write) {
        taken += frame_bytes(ready_[ready_head_]);
        out.push_back(std::move(ready_[ready_head_++]));
    }
    ready_bytes_ -= taken;
    if (ready_head_ == ready_.size()) {
        ready_.clear();
        ready_head_ = 0;
        // A burst must not leave its capacity behind in an idle client.
        if (ready_.capacity() > max_frames_per_write) std::vector<FramePtr>().swap(ready_);
    }
    const std::uint64_t chunk = limits_.max_buffered_bytes / 2;
    while (ready_head_ == ready_.size() && !sources_.empty() && out.size() < max_frames_per_write &&
           (out.empty() || taken < chunk)) {
        Pending& head = sources_.front();
        if (!head.source->ready()) break;
        if (FramePtr frame = head.source->next()) {
            taken += frame_bytes(frame);
            out.push_back(std::move(frame));
            continue;
        }
        // The source is done: what waited behind it is ready now.
        for (auto& behind : head.frames) {
            const std::uint64_t size = frame_bytes(behind);
            behind_bytes_ -= size;
            ready_bytes_ += size;
            ready_.push_back(std::move(behind));
        }
        sources_.erase(sources_.begin());
        // Move those now, up to the cap; the rest waits for the next write.
        while (ready_head_ < ready_.size() && out.size() < max_frames_per_write) {
            const std::uint64_t size = frame_bytes(ready_[ready_head_]);
            taken += size;
            ready_bytes_ -= size;
            out.push_back(std::move(ready_[ready_head_++]));
        }
        if (ready_head_ == ready_.size()) {
            ready_.clear();
            ready_head_ = 0;
        }
    }
    if (out.empty()) return false;
    in_flight_ = true;
    in_flight_bytes_ = taken;
    write_pass_ = pass;
    return true;
}

void OutboundQueue::write_done() {
    in_flight_ = false;
    in_flight_bytes_ = 0;
}

void OutboundQueue::drop_filters(const std::vector<std::string>& filters) {
    for (Pending& pending : sources_) pending.source->drop_filters(filters);
}

void OutboundQueue::clear() {
    ready_.clear();
    ready_.shrink_to_fit();
    ready_head_ = 0;
    sources_.clear();
    ready_bytes_ = 0;
    behind_bytes_ = 0;
}

}  // namespace mqttws::ws
