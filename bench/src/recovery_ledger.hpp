// The recovery scenario's bookkeeping, fed the protocol frames each client receives:
// which topics a client owns, the positions its first visit's ack gave it, and then, on
// its return, whether it got exactly what it missed (each topic's offsets after its
// position, every one once, in order). Pure: the client loop feeds it frames and times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol_frames.hpp"

namespace mwb::bench {

// Client i owns the topics <prefix>/rec/<i>/<j>, j < topics_per_client, under the filter
// <prefix>/rec/<i>/#.
class RecoveryTopics {
  public:
    RecoveryTopics(std::string prefix, std::size_t topics_per_client);

    std::size_t per_client() const { return per_client_; }
    std::string filter(std::size_t client) const;
    std::string topic(std::size_t client, std::size_t index) const;
    // The j of `topic` when it is one of `client`'s topics.
    std::optional<std::size_t> index_of(std::size_t client, std::string_view topic) const;

  private:
    std::string root_;  // <prefix>/rec/
    std::size_t per_client_;
};

// The first visit: each client's ack to a "recover":true subscribe, which must name
// exactly the client's topics.
class PositionBook {
  public:
    PositionBook(const RecoveryTopics& topics, std::size_t clients);

    void record(std::size_t client, std::string_view frame);

    std::size_t clients() const { return positions_.size(); }
    std::size_t clients_done() const { return done_; }
    bool all_answered() const { return answered_ == positions_.size(); }
    // Valid once clients_done() counts it.
    const PositionMap& positions(std::size_t client) const { return positions_[client]; }
    // The first ack that did not give a client its topics' positions, described.
    const std::string& first_problem() const { return first_problem_; }

  private:
    const RecoveryTopics& topics_;
    std::vector<PositionMap> positions_;
    std::vector<bool> has_answer_;
    std::size_t answered_ = 0;
    std::size_t done_ = 0;
    std::string first_problem_;
};

// The return: each client subscribes with "since" = its positions and must be acked
// recovered:true and then get offsets position+1 .. position+per_topic of each topic.
class RecoveryCheck {
  public:
    RecoveryCheck(const RecoveryTopics& topics, const PositionBook& book, std::uint64_t per_topic);

    // The moment the clients start connecting: completion times count from here.
    void start(std::uint64_t now_ns) { start_ns_ = now_ns; }
    void record(std::size_t client, std::string_view frame, std::uint64_t now_ns);

    std::size_t clients() const { return received_.size(); }
    std::uint64_t expected_per_client() const { return per_client_expected_; }
    // Recovered all of its messages.
    std::size_t clients_done() const { return done_; }
    // Done, or told recovered:false: nothing more is coming.
    bool all_settled() const { return done_ + given_up_ == received_.size(); }
    std::uint64_t recovered_true() const { return recovered_true_; }
    std::uint64_t recovered_false() const { return recovered_false_; }
    // The first recovered:false (ack or mid-replay notice): "reason topic".
    const std::string& first_reason() const { return first_reason_; }
    // Messages of a client's streams received for the first time.
    std::uint64_t frames() const { return frames_; }
    std::uint64_t duplicates() const { return duplicates_; }
    // Received after a higher offset of the same topic.
    std::uint64_t out_of_order() const { return out_of_order_; }
    // Messages not among those the client missed: other topics, epochs or offsets.
    std::uint64_t foreign() const { return foreign_; }
    // Frames that are not protocol JSON.
    std::uint64_t unparsed() const { return unparsed_; }
    // Messages owed and not received, summed over the clients.
    std::uint64_t missing() const;

    // Seconds from start() to each client's last owed message, nullopt when not done.
    std::vector<std::optional<double>> completion_s() const;

  private:
    struct Stream {
        StreamPosition from;
        std::uint64_t highest = 0;  // highest offset received
    };
    void settle_if_done(std::size_t client, std::uint64_t now_ns);
    void give_up(std::size_t client, const ProtocolFrame& frame);

    const RecoveryTopics& topics_;
    std::uint64_t per_topic_;
    std::uint64_t per_client_expected_;
    std::vector<Stream> streams_;  // clients × per_client
    std::vector<bool> seen_;       // clients × per_client × per_topic
    std::vector<std::uint64_t> received_;
    std::vector<std::uint8_t> acked_;  // 0: no ack yet, 1: recovered, 2: not
    std::vector<std::uint64_t> done_ns_;
    std::uint64_t start_ns_ = 0;
    std::size_t done_ = 0;
    std::size_t given_up_ = 0;
    std::uint64_t recovered_true_ = 0;
    std::uint64_t recovered_false_ = 0;
    std::string first_reason_;
    std::uint64_t frames_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t out_of_order_ = 0;
    std::uint64_t foreign_ = 0;
    std::uint64_t unparsed_ = 0;
};

}  // namespace mwb::bench
