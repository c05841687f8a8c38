// Wires the MQTT link to the WebSocket server and runs until a signal.
#pragma once

#include "app/config.hpp"

namespace mqttws::app {

// Runs the bridge in the foreground; returns the process exit code.
int run_bridge(const Config& config);

}  // namespace mqttws::app
