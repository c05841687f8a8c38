// The filter × topic corpus of the brute-force tests: every string of 1..depth
// levels, the first level taken from `first` and the others from `rest`, with
// nothing after a '#' level (see topic_filter_relations_test.cpp for why such an
// enumeration decides matching exactly).
#pragma once

#include <string>
#include <vector>

namespace mqttws::corpus {

inline std::vector<std::string> all_level_strings(const std::vector<std::string>& first,
                                                  const std::vector<std::string>& rest,
                                                  std::size_t max_depth) {
    std::vector<std::string> out;
    std::vector<std::string> frontier = first;
    for (std::size_t depth = 1; depth <= max_depth; ++depth) {
        out.insert(out.end(), frontier.begin(), frontier.end());
        if (depth == max_depth) break;
        std::vector<std::string> next;
        for (const auto& prefix : frontier) {
            if (prefix == "#" || (prefix.size() >= 2 && prefix.substr(prefix.size() - 2) == "/#")) {
                continue;  // nothing may follow '#'
            }
            for (const auto& level : rest) next.push_back(prefix + "/" + level);
        }
        frontier = std::move(next);
    }
    return out;
}

}  // namespace mqttws::corpus
