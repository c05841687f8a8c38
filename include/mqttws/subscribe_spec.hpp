// A --subscribe value: FILTER[@QOS], where FILTER may be a shared
// subscription ($share/GROUP/FILTER).
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace mqttws {

struct SubscribeSpec {
    std::string filter;  // as sent to the broker
    int qos = 0;
};

// Either the spec or the reason it was refused.
std::variant<SubscribeSpec, std::string> parse_subscribe_spec(std::string_view text);

// "$share/group/a/b" -> "a/b"; any other filter unchanged.
std::string_view strip_share_prefix(std::string_view filter);

}  // namespace mqttws
