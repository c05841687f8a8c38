// Replay's retained state on the broker: R retained messages (QoS 0) on
// <prefix>/retained/<i>, stamped with their publish time and i, from one raw MQTT
// connection. paced_probe() paces publish_next() (Mosquitto drops QoS 0 messages for a
// subscriber that falls too far behind). clear() deletes them again
// with empty retained payloads, so the broker holds no retained state for the runs and
// peers that come after.
#pragma once

#include <cstdint>
#include <string>

#include "bench_options.hpp"
#include "scenario_common.hpp"

namespace mwb::bench {

class RetainedPreload : public PacedSource {
  public:
    explicit RetainedPreload(const BenchOptions& options);
    ~RetainedPreload() override;
    RetainedPreload(const RetainedPreload&) = delete;
    RetainedPreload& operator=(const RetainedPreload&) = delete;

    bool connect(std::string& error);
    bool publish_next(std::uint64_t count, std::string& error) override;
    std::uint64_t published() const override { return published_; }
    bool done() const override { return published_ >= options_.retained_topics; }
    // Deletes every topic, batch by batch; after each batch a PINGREQ, whose PINGRESP
    // proves the broker has handled it (it handles one connection's packets in order).
    bool clear(std::string& error);

    // CLOCK_MONOTONIC at connect(): every stamp is at or after it.
    std::uint64_t published_from_ns() const { return published_from_ns_; }

  private:
    const BenchOptions& options_;
    const std::string topic_prefix_;  // <prefix>/retained/
    std::string payload_;
    std::string batch_;
    int fd_ = -1;
    std::uint64_t published_ = 0;
    std::uint64_t published_from_ns_ = 0;
};

}  // namespace mwb::bench
