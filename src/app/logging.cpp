#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mqttws::app {

void configure_logging(const std::string& level) {
    // stderr keeps stdout free for tools; unbuffered-ish so a crash loses nothing.
    auto logger = spdlog::stderr_logger_mt("mqtt-ws-bridge");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %-5l %v");
    spdlog::set_level(spdlog::level::from_str(level));
    spdlog::flush_on(spdlog::level::info);
}

}  // namespace mqttws::app
