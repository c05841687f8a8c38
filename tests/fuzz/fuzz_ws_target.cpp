// The WebSocket request target: every filter it returns is valid, and a
// refusal always says why.
#include "fuzz_check.hpp"
#include "mqttws/topic_filter.hpp"
#include "mqttws/ws_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view resource(reinterpret_cast<const char*>(data), size);
    const auto result = mqttws::parse_ws_target(resource, "/ws");
    if (result.status != mqttws::WsTargetStatus::ok) {
        FUZZ_CHECK(!result.reason.empty());
        return 0;
    }
    for (const auto& filter : result.target.filters) {
        FUZZ_CHECK(mqttws::validate_filter(filter) == mqttws::TopicError::ok);
    }
    return 0;
}
