#include "mqttws/broker_url.hpp"

namespace mqttws {

namespace {

struct Scheme {
    std::string_view name;
    std::string_view paho;
    bool tls;
    bool websocket;
    std::string_view default_port;
};

constexpr Scheme schemes[] = {
    {"tcp", "tcp", false, false, "1883"}, {"mqtt", "tcp", false, false, "1883"},
    {"ssl", "ssl", true, false, "8883"},  {"mqtts", "ssl", true, false, "8883"},
    {"ws", "ws", false, true, "80"},      {"wss", "wss", true, true, "443"},
};

bool has_port(std::string_view authority) {
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return close != std::string_view::npos && close + 1 < authority.size() &&
               authority[close + 1] == ':';
    }
    return authority.find(':') != std::string_view::npos;
}

}  // namespace

std::variant<BrokerUrl, std::string> parse_broker_url(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        return std::string("expected SCHEME://HOST[:PORT] (tcp, mqtt, ssl, mqtts, ws, wss)");
    }
    const std::string_view scheme_name = url.substr(0, sep);
    const Scheme* scheme = nullptr;
    for (const auto& s : schemes) {
        if (s.name == scheme_name) scheme = &s;
    }
    if (!scheme) {
        return "unsupported scheme '" + std::string(scheme_name) +
               "' (use tcp, mqtt, ssl, mqtts, ws or wss)";
    }
    const std::string_view rest = url.substr(sep + 3);
    const std::string_view authority = rest.substr(0, rest.find('/'));
    const std::string_view path = rest.substr(authority.size());
    // Paho ignores credentials in the URI, and the URL is logged: a password
    // written there would end up in the logs and authenticate nothing.
    if (authority.find('@') != std::string_view::npos) {
        return std::string(
            "credentials in the URL are not supported (use --mqtt-username and "
            "--mqtt-password-file)");
    }
    if (authority.empty() || authority.front() == ':') return std::string("missing host");
    if (!scheme->websocket && !path.empty() && path != "/") {
        return std::string("a path is only allowed for ws:// and wss:// URLs");
    }
    if (has_port(authority)) {
        const std::string_view port = authority.substr(authority.rfind(':') + 1);
        unsigned value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' ||
                (value = value * 10 + static_cast<unsigned>(c - '0')) > 65535) {
                return std::string("port must be a number from 1 to 65535");
            }
        }
        if (port.empty() || value == 0) return std::string("port must be a number from 1 to 65535");
    }
    BrokerUrl result;
    result.tls = scheme->tls;
    result.websocket = scheme->websocket;
    result.paho_uri = std::string(scheme->paho) + "://" + std::string(authority);
    if (!has_port(authority)) result.paho_uri += ":" + std::string(scheme->default_port);
    if (scheme->websocket) result.paho_uri += path.empty() ? "/mqtt" : std::string(path);
    return result;
}

}  // namespace mqttws
