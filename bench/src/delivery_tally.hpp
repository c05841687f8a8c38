// Counts what one receiver got against what was sent: in order, duplicated (the same
// sequence as the last one), reordered (older than the last one). Each message carries a
// sequence number that grows by one per publish, and every bridge under test keeps
// per-client order, so "older than the newest seen" is the only anomaly worth telling apart.
#pragma once

#include <cstdint>

namespace mwb::bench {

struct TallyCounts {
    std::uint64_t in_order = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t reordered = 0;

    // Distinct messages received (a reordered one is still a delivery).
    std::uint64_t unique() const { return in_order + reordered; }
    TallyCounts& operator+=(const TallyCounts& other) {
        in_order += other.in_order;
        duplicates += other.duplicates;
        reordered += other.reordered;
        return *this;
    }
};

enum class Arrival : std::uint8_t { InOrder, Duplicate, Reordered };

// One receiver's newest sequence; the counts are kept by the caller, summed over receivers.
class DeliveryTally {
  public:
    Arrival record(std::uint64_t sequence) {
        if (!seen_any_ || sequence > newest_) {
            newest_ = sequence;
            seen_any_ = true;
            return Arrival::InOrder;
        }
        return sequence == newest_ ? Arrival::Duplicate : Arrival::Reordered;
    }

  private:
    std::uint64_t newest_ = 0;
    bool seen_any_ = false;
};

inline void count_arrival(TallyCounts& counts, Arrival arrival) {
    switch (arrival) {
        case Arrival::InOrder:
            ++counts.in_order;
            break;
        case Arrival::Duplicate:
            ++counts.duplicates;
            break;
        case Arrival::Reordered:
            ++counts.reordered;
            break;
    }
}

}  // namespace mwb::bench
