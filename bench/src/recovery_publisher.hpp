// Recovery's messages to the clients' own topics (QoS 0, not retained), from one raw MQTT
// connection, a phase at a time: `rounds` messages on each of every client's topics.
// Message n of a phase is stamped with its publish time and n, so a probe counts it; the
// rounds go client by client, so each topic's messages spread over the phase.
// paced_probe() paces publish_next().
#pragma once

#include <cstdint>
#include <string>

#include "bench_options.hpp"
#include "recovery_ledger.hpp"
#include "scenario_common.hpp"

namespace mwb::bench {

class RecoveryPublisher : public PacedSource {
  public:
    RecoveryPublisher(const BenchOptions& options, const RecoveryTopics& topics);
    ~RecoveryPublisher() override;
    RecoveryPublisher(const RecoveryPublisher&) = delete;
    RecoveryPublisher& operator=(const RecoveryPublisher&) = delete;

    bool connect(std::string& error);
    // A new phase of `rounds` messages per topic; its stamps start at 0 again.
    void begin(std::uint64_t rounds);
    std::uint64_t phase_messages() const { return total_; }
    // CLOCK_MONOTONIC at begin(): every stamp of the phase is at or after it.
    std::uint64_t phase_from_ns() const { return phase_from_ns_; }

    bool publish_next(std::uint64_t count, std::string& error) override;
    std::uint64_t published() const override { return published_; }
    bool done() const override { return published_ >= total_; }

  private:
    const BenchOptions& options_;
    const RecoveryTopics& topics_;
    std::string payload_;
    std::string batch_;
    int fd_ = -1;
    std::uint64_t total_ = 0;
    std::uint64_t published_ = 0;
    std::uint64_t phase_from_ns_ = 0;
};

}  // namespace mwb::bench
