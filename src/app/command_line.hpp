// Command line, then environment (MWB_*), then config file -> Config: the
// first that sets a flag wins. Refusals are one line naming the flag (and the
// file and line when it came from the config file); the caller exits with the
// code. --check-config prints the effective settings instead of running.
#pragma once

#include <optional>

#include "app/config.hpp"

namespace mqttws::app {

struct CommandLine {
    std::optional<Config> config;  // set when the bridge should run
    int exit_code = 0;  // otherwise: 0 after --help/--version/--check-config, 2 on bad input
};

CommandLine parse_command_line(int argc, char** argv);

}  // namespace mqttws::app
