// Everything the command line decides, grouped by the part that uses it.
#pragma once

#include <string>
#include <vector>

#include "mqtt/mqtt_options.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::app {

struct Config {
    mqtt::MqttOptions mqtt;
    ws::WsOptions ws;
    std::string log_level = "info";
    std::string instance_id;
    // Said once logging is up: --subscribe filters that share topics.
    std::vector<std::string> warnings;
};

}  // namespace mqttws::app
