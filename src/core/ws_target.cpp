#include "mqttws/ws_target.hpp"

#include <algorithm>

#include "mqttws/topic_filter.hpp"

namespace mqttws {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

WsTargetResult refuse(WsTargetStatus status, std::string reason) {
    WsTargetResult result;
    result.status = status;
    result.reason = std::move(reason);
    return result;
}

bool add_filter(WsTargetResult& result, std::string filter) {
    if (const TopicError error = validate_filter(filter); error != TopicError::ok) {
        result = refuse(WsTargetStatus::bad_request,
                        "invalid topic filter '" + filter + "': " + std::string(describe(error)));
        return false;
    }
    auto& filters = result.target.filters;
    if (std::find(filters.begin(), filters.end(), filter) == filters.end()) {
        filters.push_back(std::move(filter));
    }
    return true;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int high = hex_digit(in[i + 1]);
        const int low = hex_digit(in[i + 2]);
        if (high < 0 || low < 0) return false;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return true;
}

WsTargetResult parse_ws_target(std::string_view resource, std::string_view ws_path) {
    const std::size_t question = resource.find('?');
    const std::string_view path = resource.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view() : resource.substr(question + 1);

    WsTargetResult result;
    std::string decoded;
    if (path != ws_path) {
        // "/ws/<filter>": the rest of the path, after one '/', is one filter.
        if (path.size() <= ws_path.size() + 1 || path.substr(0, ws_path.size()) != ws_path ||
            path[ws_path.size()] != '/') {
            return refuse(WsTargetStatus::not_found, "no WebSocket endpoint at this path");
        }
        if (!percent_decode(path.substr(ws_path.size() + 1), decoded)) {
            return refuse(WsTargetStatus::bad_request, "malformed percent-encoding in the path");
        }
        if (!add_filter(result, decoded)) return result;
    }

    std::size_t start = 0;
    while (start <= query.size() && !query.empty()) {
        const std::size_t amp = std::min(query.find('&', start), query.size());
        const std::string_view pair = query.substr(start, amp - start);
        const std::size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        if (key == "topic") {
            const std::string_view value =
                eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
            if (!percent_decode(value, decoded)) {
                return refuse(WsTargetStatus::bad_request,
                              "malformed percent-encoding in the query");
            }
            if (!add_filter(result, decoded)) return result;
        }
        start = amp + 1;
    }
    return result;
}

}  // namespace mqttws
