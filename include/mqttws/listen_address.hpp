// A --listen value: HOST:PORT, or [IPV6]:PORT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqttws {

struct ListenAddress {
    std::string host;  // "0.0.0.0" when the text gave none
    std::uint16_t port = 0;
};

// nullopt when the text is not HOST:PORT with a port from 1 to 65535.
std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace mqttws
