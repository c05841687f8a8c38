#include "mqttws/topic_levels.hpp"

namespace mqttws {

TopicLevels::TopicLevels(std::string_view topic) : topic_(topic) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = topic.find('/', start);
        if (end == std::string_view::npos) {
            levels_.push_back(topic.substr(start));
            return;
        }
        levels_.push_back(topic.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace mqttws
