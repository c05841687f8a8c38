// Every flag, declared once: its help, its default, its validator and where
// its typed value goes (a Config field, or FlagInputs when cross_checks.cpp
// still has to combine it with others).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/flag_kinds.hpp"
#include "app/security_flags.hpp"

namespace mqttws::app {

// The flags that become part of Config only together with others.
struct FlagInputs {
    std::string mqtt_username;
    std::string mqtt_password;
    std::string mqtt_password_file;
    std::vector<std::string> subscribe;
    std::vector<std::string> history;  // --history, applied by the cross-checks
    std::string listen;
    std::string reply_prefix;
    bool no_console = false;
    std::string http_admin_token;
    std::string http_admin_token_file;
    SecurityFlags security;
    std::string config_file;    // --config
    bool check_config = false;  // --check-config
};

// Adds every flag to `app` in the order --help lists them, with its default
// already stored in its target.
std::vector<FlagEntry> declare_flags(CLI::App& app, Config& config, FlagInputs& inputs);

}  // namespace mqttws::app
