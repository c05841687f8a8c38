// --listen: HOST:PORT and [IPV6]:PORT.
#include "mqttws/listen_address.hpp"

#include <charconv>

namespace mqttws {

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return ListenAddress{host.empty() ? "0.0.0.0" : std::string(host),
                         static_cast<std::uint16_t>(value)};
}

}  // namespace mqttws
