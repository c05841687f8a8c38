// Log output: one line per event on stderr.
#pragma once

#include <string>

namespace mqttws::app {

// `level` is one of trace, debug, info, warn, error, off (already checked).
void configure_logging(const std::string& level);

}  // namespace mqttws::app
