// A topic trie from filters to subscribers (after mosquitto's subhier): the
// cost of matching one topic grows with the number of matching subscribers
// and the topic's depth, not with the number of clients. Owns no sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mqttws/topic_levels.hpp"

namespace mqttws {

using ClientId = std::uint64_t;

class SubscriptionIndex {
  public:
    SubscriptionIndex();
    ~SubscriptionIndex();
    SubscriptionIndex(const SubscriptionIndex&) = delete;
    SubscriptionIndex& operator=(const SubscriptionIndex&) = delete;

    // `filter` must be valid (validate_filter). Returns false when this
    // client already had exactly this filter.
    bool add(std::string_view filter, ClientId client);
    // Returns false when the client did not have this filter.
    bool remove(std::string_view filter, ClientId client);

    // Replaces `out` with every client having at least one filter that
    // matches `topic`, each exactly once.
    void match(std::string_view topic, std::vector<ClientId>& out) const;
    // The same for a topic already split (once per message, for every shard).
    void match(const TopicLevels& topic, std::vector<ClientId>& out) const;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

  private:
    struct Node;
    std::unique_ptr<Node> root_;
    std::size_t size_ = 0;
    // Scratch for match(): kept between calls so a match allocates nothing.
    mutable std::vector<std::pair<const Node*, std::size_t>> stack_;
    mutable std::string key_;
};

}  // namespace mqttws
