// Everything the command line decides, grouped by the part that uses it.
#pragma once

#include <string>

#include "mqtt/mqtt_options.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::app {

struct Config {
    mqtt::MqttOptions mqtt;
    ws::WsOptions ws;
    std::string log_level = "info";
};

}  // namespace mqttws::app
