// Replay's retained state: R retained messages (QoS 0) on <prefix>/retained/<i>, stamped
// with their publish time and i, sent from one raw MQTT connection in batches. After each
// batch a PINGREQ: its PINGRESP proves the broker has read the batch (it handles one
// connection's packets in order), which also keeps the broker from queueing more than a
// batch ahead of its subscribers. clear() deletes them again with empty retained payloads,
// so the broker holds no retained state for the runs and peers that come after.
#pragma once

#include <cstdint>
#include <string>

#include "bench_options.hpp"

namespace mwb::bench {

class RetainedPreload {
  public:
    explicit RetainedPreload(const BenchOptions& options) : options_(options) {}
    ~RetainedPreload();
    RetainedPreload(const RetainedPreload&) = delete;
    RetainedPreload& operator=(const RetainedPreload&) = delete;

    bool publish(std::string& error);
    bool clear(std::string& error);

    // CLOCK_MONOTONIC just before the first message: every stamp is at or after it.
    std::uint64_t published_from_ns() const { return published_from_ns_; }

  private:
    // Sends the R messages (empty payloads when `clearing`), batch by batch.
    bool send_all(bool clearing, std::string& error);

    const BenchOptions& options_;
    int fd_ = -1;
    std::uint64_t published_from_ns_ = 0;
};

}  // namespace mwb::bench
