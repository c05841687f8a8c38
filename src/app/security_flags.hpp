// The security flags (--auth, --token-file, --jwt-*, --allowed-origin,
// --tls-*, --mqtt-ca/-cert/-key/-insecure): declared here and turned into
// the authenticator, the TLS context and the MQTT TLS options. Kept apart
// from command_line.cpp because they read and check files at start.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace mqttws::app {

struct SecurityFlags {
    std::string auth = "none";
    std::string token_file;
    std::string jwt_secret_file;
    std::string jwt_public_key;
    std::string jwt_audience;
    std::string jwt_issuer;
    std::string jwt_leeway = "30s";
    std::vector<std::string> allowed_origins;
    std::string tls_cert;
    std::string tls_key;
    std::string tls_ca;
    std::string mqtt_ca;
    std::string mqtt_cert;
    std::string mqtt_key;
    bool mqtt_insecure = false;
};

struct FlagProblem {
    std::string flag;
    std::string reason;
};

using EnvName = std::function<std::string(const std::string& flag)>;

void add_security_flags(CLI::App& app, SecurityFlags& flags, const EnvName& env_name);

// Loads the token file, the JWT key and the TLS files, and fills `config`
// (its listen address and broker URL already set). The first problem found.
std::optional<FlagProblem> apply_security_flags(const SecurityFlags& flags, bool mqtt_url_tls,
                                                Config& config);

}  // namespace mqttws::app
