#include "recovery_ledger.hpp"

#include <algorithm>
#include <charconv>

#include "replay_progress.hpp"

namespace mwb::bench {
namespace {

std::optional<std::size_t> parse_index(std::string_view text) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

RecoveryTopics::RecoveryTopics(std::string prefix, std::size_t topics_per_client)
    : root_(std::move(prefix) + "/rec/"), per_client_(topics_per_client) {}

std::string RecoveryTopics::filter(std::size_t client) const {
    return root_ + std::to_string(client) + "/#";
}

std::string RecoveryTopics::topic(std::size_t client, std::size_t index) const {
    return root_ + std::to_string(client) + "/" + std::to_string(index);
}

std::optional<std::size_t> RecoveryTopics::index_of(std::size_t client,
                                                    std::string_view topic) const {
    if (topic.substr(0, root_.size()) != root_) return std::nullopt;
    topic.remove_prefix(root_.size());
    const auto slash = topic.find('/');
    if (slash == std::string_view::npos || parse_index(topic.substr(0, slash)) != client) {
        return std::nullopt;
    }
    const auto index = parse_index(topic.substr(slash + 1));
    if (!index || *index >= per_client_) return std::nullopt;
    return index;
}

PositionBook::PositionBook(const RecoveryTopics& topics, std::size_t clients)
    : topics_(topics), positions_(clients), has_answer_(clients) {}

void PositionBook::record(std::size_t client, std::string_view text) {
    const ProtocolFrame frame = parse_protocol_frame(text);
    if (frame.type != FrameType::Ack || client >= positions_.size() || has_answer_[client]) return;
    has_answer_[client] = true;
    ++answered_;
    std::string problem;
    if (!frame.positions) {
        problem = "no positions";
    } else if (!frame.positions_complete) {
        problem = "positionsComplete:false";
    } else if (frame.positions->size() != topics_.per_client()) {
        problem = std::to_string(frame.positions->size()) + " positions, not " +
                  std::to_string(topics_.per_client());
    } else {
        for (const auto& [topic, position] : *frame.positions) {
            if (!topics_.index_of(client, topic)) problem = "a position of " + topic;
        }
    }
    if (problem.empty()) {
        positions_[client] = *frame.positions;
        ++done_;
    } else if (first_problem_.empty()) {
        first_problem_ = "client " + std::to_string(client) + ": " + problem;
    }
}

RecoveryCheck::RecoveryCheck(const RecoveryTopics& topics, const PositionBook& book,
                             std::uint64_t per_topic)
    : topics_(topics),
      per_topic_(per_topic),
      per_client_expected_(per_topic * topics.per_client()),
      streams_(book.clients() * topics.per_client()),
      seen_(streams_.size() * per_topic),
      received_(book.clients()),
      acked_(book.clients()),
      done_ns_(book.clients()) {
    for (std::size_t client = 0; client < book.clients(); ++client) {
        for (const auto& [topic, position] : book.positions(client)) {
            if (const auto index = topics.index_of(client, topic)) {
                Stream& stream = streams_[client * topics.per_client() + *index];
                stream.from = position;
                stream.highest = position.offset;
            }
        }
    }
}

void RecoveryCheck::record(std::size_t client, std::string_view text, std::uint64_t now_ns) {
    if (client >= received_.size()) return;
    const ProtocolFrame frame = parse_protocol_frame(text);
    switch (frame.type) {
        case FrameType::Invalid:
            ++unparsed_;
            return;
        case FrameType::Ack:
            if (acked_[client] != 0) return;
            if (frame.recovered.value_or(false)) {
                acked_[client] = 1;
                ++recovered_true_;
                settle_if_done(client, now_ns);
            } else {
                give_up(client, frame);
            }
            return;
        case FrameType::Recovery:
            if (frame.recovered == false) give_up(client, frame);
            return;
        case FrameType::Message:
            break;
        default:
            return;
    }
    const auto index = topics_.index_of(client, frame.topic);
    if (!index || !frame.position) {
        ++foreign_;
        return;
    }
    Stream& stream = streams_[client * topics_.per_client() + *index];
    const std::uint64_t offset = frame.position->offset;
    if (frame.position->epoch != stream.from.epoch || offset <= stream.from.offset ||
        offset > stream.from.offset + per_topic_) {
        ++foreign_;
        return;
    }
    const std::size_t bit =
        (client * topics_.per_client() + *index) * per_topic_ + (offset - stream.from.offset - 1);
    if (seen_[bit]) {
        ++duplicates_;
        return;
    }
    seen_[bit] = true;
    ++frames_;
    if (offset < stream.highest) ++out_of_order_;
    stream.highest = std::max(stream.highest, offset);
    ++received_[client];
    settle_if_done(client, now_ns);
}

void RecoveryCheck::settle_if_done(std::size_t client, std::uint64_t now_ns) {
    if (acked_[client] != 1 || received_[client] != per_client_expected_ || done_ns_[client] != 0) {
        return;
    }
    // 0 means "not done", so a completion at the very start still counts.
    done_ns_[client] = std::max<std::uint64_t>(now_ns, 1);
    ++done_;
}

void RecoveryCheck::give_up(std::size_t client, const ProtocolFrame& frame) {
    ++recovered_false_;
    if (first_reason_.empty()) {
        first_reason_ = (frame.reason.empty() ? std::string("no reason") : frame.reason) +
                        (frame.topic.empty() ? "" : " " + frame.topic);
    }
    if (acked_[client] == 2 || done_ns_[client] != 0) return;
    acked_[client] = 2;
    ++given_up_;
}

std::uint64_t RecoveryCheck::missing() const {
    std::uint64_t missing = 0;
    for (const std::uint64_t received : received_) missing += per_client_expected_ - received;
    return missing;
}

std::vector<std::optional<double>> RecoveryCheck::completion_s() const {
    return seconds_since(start_ns_, done_ns_);
}

}  // namespace mwb::bench
