#include "mqttws/subscription_index.hpp"

#include <algorithm>

namespace mqttws {

// Children keyed by level; '+' and '#' kept apart so a match tries exactly
// three branches per level (mosquitto's sub__search).
struct SubscriptionIndex::Node {
    std::unordered_map<std::string, std::unique_ptr<Node>> children;
    std::unique_ptr<Node> plus;
    std::vector<ClientId> here;  // filters ending at this level
    std::vector<ClientId> hash;  // filters ending with "/#" below this level

    bool unused() const { return children.empty() && !plus && here.empty() && hash.empty(); }
};

namespace {

template <typename F>
void for_each_level(std::string_view text, F&& f) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find('/', start);
        if (end == std::string_view::npos) {
            f(text.substr(start));
            return;
        }
        f(text.substr(start, end - start));
        start = end + 1;
    }
}

bool insert_sorted(std::vector<ClientId>& ids, ClientId id) {
    const auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it != ids.end() && *it == id) return false;
    ids.insert(it, id);
    return true;
}

bool erase_sorted(std::vector<ClientId>& ids, ClientId id) {
    const auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id) return false;
    ids.erase(it);
    return true;
}

std::vector<std::string_view> split_levels(std::string_view text) {
    std::vector<std::string_view> levels;
    for_each_level(text, [&](std::string_view level) { levels.push_back(level); });
    return levels;
}

}  // namespace

SubscriptionIndex::SubscriptionIndex() : root_(std::make_unique<Node>()) {}
SubscriptionIndex::~SubscriptionIndex() = default;

bool SubscriptionIndex::add(std::string_view filter, ClientId client) {
    const auto levels = split_levels(filter);
    Node* node = root_.get();
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const std::string_view level = levels[i];
        if (level == "#") {
            const bool added = insert_sorted(node->hash, client);
            size_ += added;
            return added;
        }
        std::unique_ptr<Node>& next =
            level == "+" ? node->plus : node->children[std::string(level)];
        if (!next) next = std::make_unique<Node>();
        node = next.get();
    }
    const bool added = insert_sorted(node->here, client);
    size_ += added;
    return added;
}

bool SubscriptionIndex::remove(std::string_view filter, ClientId client) {
    const auto levels = split_levels(filter);
    // Walk down remembering the path, then prune nodes left empty.
    std::vector<std::pair<Node*, std::string_view>> path;
    Node* node = root_.get();
    bool removed = false;
    for (std::size_t i = 0; i <= levels.size(); ++i) {
        if (i == levels.size()) {
            removed = erase_sorted(node->here, client);
            break;
        }
        const std::string_view level = levels[i];
        if (level == "#") {
            removed = erase_sorted(node->hash, client);
            break;
        }
        Node* next = nullptr;
        if (level == "+") {
            next = node->plus.get();
        } else if (auto it = node->children.find(std::string(level)); it != node->children.end()) {
            next = it->second.get();
        }
        if (!next) return false;
        path.emplace_back(node, level);
        node = next;
    }
    if (!removed) return false;
    --size_;
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        auto [parent, level] = *it;
        Node* child = level == "+" ? parent->plus.get()
                                   : parent->children.find(std::string(level))->second.get();
        if (!child->unused()) break;
        if (level == "+") {
            parent->plus.reset();
        } else {
            parent->children.erase(std::string(level));
        }
    }
    return true;
}

void SubscriptionIndex::match(std::string_view topic, std::vector<ClientId>& out) const {
    match(TopicLevels(topic), out);
}

void SubscriptionIndex::match(const TopicLevels& topic, std::vector<ClientId>& out) const {
    out.clear();
    if (size_ == 0) return;
    const bool dollar = topic.dollar();
    std::size_t sources = 0;  // non-empty subscriber lists appended
    auto take = [&](const std::vector<ClientId>& ids) {
        if (ids.empty()) return;
        out.insert(out.end(), ids.begin(), ids.end());
        ++sources;
    };

    // Depth-first over (node, level index); an explicit stack keeps deep
    // topics off the call stack.
    stack_.clear();
    stack_.emplace_back(root_.get(), 0);
    while (!stack_.empty()) {
        auto [node, depth] = stack_.back();
        stack_.pop_back();
        // Wildcards at the first level never match '$' topics.
        const bool wildcards = !(dollar && depth == 0);
        if (wildcards) take(node->hash);  // "a/#" matches "a" and everything below
        if (depth == topic.size()) {
            take(node->here);
            continue;
        }
        key_.assign(topic[depth]);
        if (auto it = node->children.find(key_); it != node->children.end()) {
            stack_.emplace_back(it->second.get(), depth + 1);
        }
        if (wildcards && node->plus) stack_.emplace_back(node->plus.get(), depth + 1);
    }
    // Each list is sorted and duplicate-free, so one list needs no merge.
    if (sources > 1) {
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
    }
}

}  // namespace mqttws
