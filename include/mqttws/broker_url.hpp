// --mqtt-url: the schemes users write (mqtt://, mqtts://) mapped to the ones
// Paho understands (tcp://, ssl://), with a default port.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace mqttws {

struct BrokerUrl {
    std::string paho_uri;  // e.g. tcp://127.0.0.1:1883
    bool tls = false;
    bool websocket = false;
};

// Either the URL or the reason it was refused.
std::variant<BrokerUrl, std::string> parse_broker_url(std::string_view url);

}  // namespace mqttws
