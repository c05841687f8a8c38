// Log output: one line per event on stderr, as text or JSON, written by a
// thread of its own so that a stderr nobody reads never blocks the bridge.
#pragma once

#include <string>

#include "log/log_formatter.hpp"

namespace mqttws::app {

// `level` is one of trace, debug, info, warn, error, off (already checked).
void configure_logging(const std::string& level, log::LogFormat format = log::LogFormat::text);

// Before exit: writes the lines still queued, for a bounded time; later
// lines are dropped.
void finish_logging();

}  // namespace mqttws::app
