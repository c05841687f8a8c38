// The security flags (--auth, --token-file, --jwt-*, --allowed-origin,
// --tls-*, --mqtt-ca/-cert/-key/-insecure) turned into the authenticator, the
// TLS context and the MQTT TLS options, and checked against each other. Kept
// apart from the other cross-checks because they read and check files at start.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace mqttws::app {

// Their values, as declared in flag_table.cpp.
struct SecurityFlags {
    std::string auth;
    std::string token_file;
    std::string jwt_secret_file;
    std::string jwt_public_key;
    std::string jwt_audience;
    std::string jwt_issuer;
    std::chrono::seconds jwt_leeway{0};
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

// Loads the token file, the JWT key and the TLS files, and fills `config`
// (its listen address and broker URL already set). The first problem found.
std::optional<FlagProblem> apply_security_flags(const SecurityFlags& flags, bool mqtt_url_tls,
                                                Config& config);

}  // namespace mqttws::app
