#include "replay_progress.hpp"

#include <algorithm>
#include <cmath>

#include "payload_stamp.hpp"

namespace mwb::bench {

ReplayProgress::ReplayProgress(std::size_t clients, std::uint64_t topics,
                               std::uint64_t published_from_ns)
    : topics_(topics),
      published_from_ns_(published_from_ns),
      words_per_client_(static_cast<std::size_t>((topics + 63) / 64)),
      seen_(clients * words_per_client_),
      received_(clients),
      done_ns_(clients) {}

void ReplayProgress::record(std::size_t client, std::string_view payload, std::uint64_t now_ns) {
    const auto stamp = decode_stamp(payload);
    if (!stamp || stamp->sequence >= topics_ || stamp->sent_ns < published_from_ns_ ||
        client >= done_ns_.size()) {
        ++foreign_;
        return;
    }
    std::uint64_t& word = seen_[client * words_per_client_ + stamp->sequence / 64];
    const std::uint64_t bit = std::uint64_t{1} << (stamp->sequence % 64);
    if ((word & bit) != 0) {
        ++duplicates_;
        return;
    }
    word |= bit;
    ++frames_;
    if (++received_[client] == topics_) {
        // 0 means "not done", so a completion at the very start still counts.
        done_ns_[client] = std::max<std::uint64_t>(now_ns, 1);
        ++clients_done_;
    }
}

std::vector<std::optional<double>> ReplayProgress::completion_s() const {
    return seconds_since(start_ns_, done_ns_);
}

std::vector<std::optional<double>> seconds_since(std::uint64_t start_ns,
                                                 const std::vector<std::uint64_t>& done_ns) {
    std::vector<std::optional<double>> seconds;
    seconds.reserve(done_ns.size());
    for (const std::uint64_t done : done_ns) {
        if (done == 0) {
            seconds.emplace_back();
        } else {
            seconds.emplace_back(done > start_ns ? static_cast<double>(done - start_ns) * 1e-9
                                                 : 0.0);
        }
    }
    return seconds;
}

std::optional<double> percentile_of(std::vector<std::optional<double>> values, double fraction) {
    if (values.empty()) return std::nullopt;
    // nullopt last: it stands for a time longer than any measured.
    std::sort(values.begin(), values.end(),
              [](const std::optional<double>& a, const std::optional<double>& b) {
                  if (!a || !b) return a.has_value() && !b.has_value();
                  return *a < *b;
              });
    // The epsilon keeps 0.99 × 1000 at rank 990, not 991 through rounding.
    const auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size()) - 1e-9));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace mwb::bench
