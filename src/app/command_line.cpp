#include "app/command_line.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/config_file.hpp"
#include "app/cross_checks.hpp"
#include "app/effective_settings.hpp"
#include "app/flag_table.hpp"

namespace mqttws::app {

namespace {

CommandLine refuse(const std::string& line) {
    std::cerr << "mqtt-ws-bridge: " << line << "\n";
    return CommandLine{std::nullopt, 2};
}

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
    Config config;
    FlagInputs inputs;
    CLI::App app{"mqtt-ws-bridge: MQTT topics to WebSocket clients, and back.", "mqtt-ws-bridge"};
    app.set_version_flag("--version", MWB_VERSION);
    app.get_formatter()->column_width(36);
    const std::vector<FlagEntry> flags = declare_flags(app, config, inputs);

    // The command line, then MWB_* for what it left unset (CLI11 does both).
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            app.exit(e);  // --help / --version
            return CommandLine{std::nullopt, 0};
        }
        return refuse(std::string(e.what()) + " (see --help)");
    }
    // Then the config file for what both left unset.
    ConfigFileResult file;
    if (!inputs.config_file.empty()) {
        file = apply_config_file(inputs.config_file, flags);
        if (!file.error.empty()) return refuse(file.error);
    }
    if (auto problem = complete_config(inputs, config)) {
        const auto origin = file.origin.find(problem->flag);
        const std::string where = origin == file.origin.end() ? "" : origin->second + ": ";
        return refuse(where + problem->flag + ": " + problem->reason);
    }
    if (inputs.check_config) {
        for (const auto& warning : config.warnings) {
            std::cerr << "mqtt-ws-bridge: warning: " << warning << "\n";
        }
        print_effective_settings(flags, std::cout);
        return CommandLine{std::nullopt, 0};
    }
    return CommandLine{std::move(config), 0};
}

}  // namespace mqttws::app
