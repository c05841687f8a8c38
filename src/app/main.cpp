// mqtt-ws-bridge: parse, wire, run.
#include <spdlog/spdlog.h>

#include <exception>

#include "app/bridge.hpp"
#include "app/command_line.hpp"
#include "app/heap_policy.hpp"
#include "app/logging.hpp"

int main(int argc, char** argv) {
    const auto command_line = mqttws::app::parse_command_line(argc, argv);
    if (!command_line.config) return command_line.exit_code;
    mqttws::app::configure_logging(command_line.config->log_level, command_line.config->log_format);
    for (const auto& warning : command_line.config->warnings) spdlog::warn("{}", warning);
    mqttws::app::return_large_blocks_to_the_kernel();
    int exit_code = 1;
    try {
        exit_code = mqttws::app::run_bridge(*command_line.config);
    } catch (const std::exception& e) {
        spdlog::error("fatal: {}", e.what());
    }
    mqttws::app::finish_logging();
    return exit_code;
}
