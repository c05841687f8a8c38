// How far each replaying client has got through the retained state: which of the R
// retained topics it has received (one bit each, so a repeat is told apart from progress)
// and when it had them all. Pure: the client loop feeds it frames and times.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mwb::bench {

class ReplayProgress {
  public:
    // `clients` replaying clients, `topics` retained messages each must receive: those
    // stamped with a sequence below `topics` and a send time at or after `published_from_ns`
    // (older ones are a previous run's leftovers on the broker).
    ReplayProgress(std::size_t clients, std::uint64_t topics, std::uint64_t published_from_ns);

    // The moment the clients start connecting: completion times count from here.
    void start(std::uint64_t now_ns) { start_ns_ = now_ns; }
    // One frame received by `client` at `now_ns`.
    void record(std::size_t client, std::string_view payload, std::uint64_t now_ns);

    std::size_t clients() const { return done_ns_.size(); }
    std::uint64_t topics() const { return topics_; }
    std::size_t clients_done() const { return clients_done_; }
    bool all_done() const { return clients_done_ == done_ns_.size(); }
    // Retained messages of this run received for the first time by their client.
    std::uint64_t frames() const { return frames_; }
    std::uint64_t duplicates() const { return duplicates_; }
    // Frames that are not this run's retained messages (unstamped, or older).
    std::uint64_t foreign() const { return foreign_; }
    std::uint64_t received_by(std::size_t client) const { return received_[client]; }

    // Seconds from start() to each client's last retained message; nullopt for a client
    // that has not received them all.
    std::vector<std::optional<double>> completion_s() const;

  private:
    std::uint64_t topics_;
    std::uint64_t published_from_ns_;
    std::size_t words_per_client_;
    std::vector<std::uint64_t> seen_;  // clients × words_per_client_ bits
    std::vector<std::uint64_t> received_;
    std::vector<std::uint64_t> done_ns_;  // 0 while not done
    std::uint64_t start_ns_ = 0;
    std::size_t clients_done_ = 0;
    std::uint64_t frames_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t foreign_ = 0;
};

// Seconds from `start_ns` to each time in `done_ns`, where 0 stands for "not done" (nullopt).
std::vector<std::optional<double>> seconds_since(std::uint64_t start_ns,
                                                 const std::vector<std::uint64_t>& done_ns);

// The nearest-rank percentile (0 < fraction <= 1) of `values`, where nullopt stands for
// "never" and sorts above every number: nullopt when the rank falls on one, or when
// `values` is empty.
std::optional<double> percentile_of(std::vector<std::optional<double>> values, double fraction);

}  // namespace mwb::bench
