#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mqttws::app {

void configure_logging(const std::string& level, log::LogFormat format) {
    // stderr keeps stdout free for tools; unbuffered-ish so a crash loses
    // nothing. Synchronous on purpose: structured events hand their fields
    // to the formatter on the logging thread (log_event.hpp).
    auto logger = spdlog::stderr_logger_mt("mqtt-ws-bridge");
    spdlog::set_default_logger(logger);
    spdlog::set_formatter(log::make_log_formatter(format));
    spdlog::set_level(spdlog::level::from_str(level));
    spdlog::flush_on(spdlog::level::info);
}

}  // namespace mqttws::app
