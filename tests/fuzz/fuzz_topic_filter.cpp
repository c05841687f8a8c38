// Filter validation and matching: the trie and topic_matches agree, and
// filter_covers / filters_overlap never contradict matching.
#include "fuzz_check.hpp"
#include "mqttws/subscription_index.hpp"
#include "mqttws/topic_filter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    // Input: filter '\n' filter '\n' topic
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto first = input.find('\n');
    if (first == std::string_view::npos) {
        (void)mqttws::validate_filter(input);
        (void)mqttws::validate_topic_name(input);
        return 0;
    }
    const auto second = input.find('\n', first + 1);
    if (second == std::string_view::npos) return 0;
    const std::string_view a = input.substr(0, first);
    const std::string_view b = input.substr(first + 1, second - first - 1);
    const std::string_view topic = input.substr(second + 1);
    using mqttws::TopicError;
    if (mqttws::validate_filter(a) != TopicError::ok ||
        mqttws::validate_filter(b) != TopicError::ok ||
        mqttws::validate_topic_name(topic) != TopicError::ok) {
        return 0;
    }
    const bool match_a = mqttws::topic_matches(a, topic);
    const bool match_b = mqttws::topic_matches(b, topic);

    mqttws::SubscriptionIndex index;
    index.add(a, 1);
    index.add(b, 2);
    index.add(b, 1);
    std::vector<mqttws::ClientId> out;
    index.match(topic, out);
    std::vector<mqttws::ClientId> expected;
    if (match_a || match_b) expected.push_back(1);
    if (match_b) expected.push_back(2);
    FUZZ_CHECK(out == expected);
    FUZZ_CHECK(index.remove(a, 1));
    FUZZ_CHECK(index.remove(b, 1) == (a != b));
    FUZZ_CHECK(index.remove(b, 2));
    FUZZ_CHECK(index.empty());

    if (mqttws::filter_covers(a, b) && match_b) FUZZ_CHECK(match_a);
    if (match_a && match_b) FUZZ_CHECK(mqttws::filters_overlap(a, b));
    return 0;
}
