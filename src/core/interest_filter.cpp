#include "mqttws/interest_filter.hpp"

#include <functional>

namespace mqttws {

std::size_t InterestFilter::bucket(std::string_view prefix) {
    return std::hash<std::string_view>{}(prefix) % bucket_count;
}

void InterestFilter::change(std::string_view filter, int by) {
    const std::size_t first_end = filter.find('/');
    const std::string_view first = filter.substr(0, first_end);
    if (first == "+" || first == "#") {
        bump(root_, by);
        return;
    }
    if (first_end == std::string_view::npos) {
        bump(first_[bucket(first)], by);
        return;
    }
    const std::size_t second_end = filter.find('/', first_end + 1);
    const std::string_view second = filter.substr(
        first_end + 1,
        second_end == std::string_view::npos ? std::string_view::npos : second_end - first_end - 1);
    if (second == "+" || second == "#") {
        bump(first_[bucket(first)], by);
        return;
    }
    bump(first_two_[bucket(filter.substr(0, second_end))], by);
}

bool InterestFilter::may_match(const TopicLevels& topic) const {
    if (!topic.dollar() && root_.load(std::memory_order_acquire) != 0) return true;
    const std::string_view first = topic[0];
    if (first_[bucket(first)].load(std::memory_order_acquire) != 0) return true;
    if (topic.size() < 2) return false;
    const std::string_view first_two = topic.topic().substr(0, first.size() + 1 + topic[1].size());
    return first_two_[bucket(first_two)].load(std::memory_order_acquire) != 0;
}

}  // namespace mqttws
