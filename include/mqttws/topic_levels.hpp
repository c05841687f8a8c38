// A topic split into its levels once per message, then shared by everything
// that matches it: the interest filters of every shard and their tries.
// The levels are views into the topic string, which must outlive them.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mqttws {

class TopicLevels {
  public:
    explicit TopicLevels(std::string_view topic);

    std::string_view topic() const { return topic_; }
    std::size_t size() const { return levels_.size(); }
    std::string_view operator[](std::size_t i) const { return levels_[i]; }
    // Wildcards at the first level never match topics starting with '$'.
    bool dollar() const { return !topic_.empty() && topic_.front() == '$'; }

  private:
    std::string_view topic_;
    std::vector<std::string_view> levels_;
};

}  // namespace mqttws
