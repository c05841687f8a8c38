// Flags, environment (MWB_*) and config file -> Config (DESIGN.md, The
// command line). Refusals name the flag; the caller exits with the code.
#pragma once

#include <optional>

#include "app/config.hpp"

namespace mqttws::app {

struct CommandLine {
    std::optional<Config> config;  // set when the bridge should run
    int exit_code = 0;             // otherwise: 0 after --help/--version, 2 on bad input
};

CommandLine parse_command_line(int argc, char** argv);

}  // namespace mqttws::app
