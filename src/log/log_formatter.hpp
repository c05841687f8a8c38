// The two line formats of --log-format, as spdlog formatters. Both write one
// line per event whatever the message holds (newlines in a client's close
// reason cannot forge a second line):
//   text: 2026-11-26T01:02:03.456Z info  connection open session=… remote=…
//   json: {"time":"2026-11-26T01:02:03.456Z","level":"info","msg":"connection open","session":"…"}
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace mqttws::log {

enum class LogFormat { text, json };

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

}  // namespace mqttws::log
