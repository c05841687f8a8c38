// Everything the command line decides, grouped by the part that uses it.
#pragma once

#include <string>
#include <vector>

#include "log/log_formatter.hpp"
#include "mqtt/mqtt_options.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::app {

struct Config {
    mqtt::MqttOptions mqtt;
    ws::WsOptions ws;
    std::string log_level = "info";
    log::LogFormat log_format = log::LogFormat::text;
    std::string instance_id;
    // Said once logging is up: --subscribe filters that share topics.
    std::vector<std::string> warnings;
};

}  // namespace mqttws::app
