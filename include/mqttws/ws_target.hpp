// Parses the WebSocket request target: the filter in the path after --ws-path
// and the repeatable ?topic= query parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mqttws {

struct WsTarget {
    std::vector<std::string> filters;  // every one a valid filter, duplicates removed
};

enum class WsTargetStatus { ok, not_found, bad_request };

struct WsTargetResult {
    WsTargetStatus status = WsTargetStatus::ok;
    WsTarget target;
    std::string reason;  // set when status != ok
};

// `resource` is the request-target ("/ws/a/+?topic=b%23"); `ws_path` the
// configured endpoint ("/ws").
WsTargetResult parse_ws_target(std::string_view resource, std::string_view ws_path);

// Percent-decoding; '+' stays '+' (it is an MQTT wildcard, not a space).
// Returns false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out);

}  // namespace mqttws
