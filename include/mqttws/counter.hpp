// An event counter with one writer and any number of readers: a relaxed
// atomic, so the hot path takes no lock and no read-modify-write; /metrics
// sums them when scraped.
#pragma once

#include <atomic>
#include <cstdint>

namespace mqttws {

using Counter = std::atomic<std::uint64_t>;

// Only the counter's single writer may call this.
inline void bump(Counter& counter, std::uint64_t by = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace mqttws
