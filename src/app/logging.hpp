// Log output: one line per event on stderr, as text or JSON.
#pragma once

#include <string>

#include "log/log_formatter.hpp"

namespace mqttws::app {

// `level` is one of trace, debug, info, warn, error, off (already checked).
void configure_logging(const std::string& level, log::LogFormat format = log::LogFormat::text);

}  // namespace mqttws::app
