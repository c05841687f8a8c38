#include "app/security_flags.hpp"

#include <boost/asio/ip/address.hpp>

#include "auth/jwt_authenticator.hpp"
#include "auth/token_authenticator.hpp"

namespace mqttws::app {

namespace {

bool is_loopback(const std::string& host) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

std::optional<FlagProblem> apply_auth(const SecurityFlags& flags, Config& config) {
    auto& security = config.ws.security;
    const bool jwt_flags = !flags.jwt_secret_file.empty() || !flags.jwt_public_key.empty() ||
                           !flags.jwt_audience.empty() || !flags.jwt_issuer.empty();
    if (flags.auth == "none") {
        if (!flags.token_file.empty()) return FlagProblem{"--token-file", "needs --auth token"};
        if (jwt_flags) return FlagProblem{"--auth", "the --jwt-* flags need --auth jwt"};
        if (!is_loopback(config.ws.listen_host)) {
            config.warnings.push_back(
                "--auth none while listening on " + config.ws.listen_host +
                ": anyone who reaches the port may read every topic the bridge subscribes to");
        }
        return std::nullopt;
    }
    if (flags.auth == "token") {
        if (jwt_flags) return FlagProblem{"--auth", "the --jwt-* flags need --auth jwt"};
        if (flags.token_file.empty()) return FlagProblem{"--token-file", "needed by --auth token"};
        auto loaded = auth::TokenAuthenticator::load(flags.token_file);
        if (auto* reason = std::get_if<std::string>(&loaded)) {
            return FlagProblem{"--token-file", *reason};
        }
        security.authenticator = std::move(std::get<0>(loaded));
        return std::nullopt;
    }
    if (flags.auth == "jwt") {
        if (!flags.token_file.empty()) return FlagProblem{"--token-file", "needs --auth token"};
        JwtPolicy policy;
        if (!flags.jwt_audience.empty()) policy.audience = flags.jwt_audience;
        if (!flags.jwt_issuer.empty()) policy.issuer = flags.jwt_issuer;
        policy.leeway = flags.jwt_leeway;
        auto loaded = auth::JwtAuthenticator::load(
            auth::JwtKeyFiles{flags.jwt_secret_file, flags.jwt_public_key}, std::move(policy));
        if (auto* reason = std::get_if<std::string>(&loaded)) {
            return FlagProblem{
                flags.jwt_public_key.empty() ? "--jwt-secret-file" : "--jwt-public-key", *reason};
        }
        security.authenticator = std::move(std::get<0>(loaded));
        return std::nullopt;
    }
    return FlagProblem{"--auth", "'" + flags.auth + "' is not none, token or jwt"};
}

std::optional<FlagProblem> apply_tls(const SecurityFlags& flags, Config& config) {
    if (flags.tls_cert.empty() && flags.tls_key.empty()) {
        if (!flags.tls_ca.empty()) return FlagProblem{"--tls-ca", "needs --tls-cert and --tls-key"};
        return std::nullopt;
    }
    if (flags.tls_key.empty()) return FlagProblem{"--tls-key", "needed with --tls-cert"};
    if (flags.tls_cert.empty()) return FlagProblem{"--tls-cert", "needed with --tls-key"};
    auto store = std::make_shared<ws::TlsContextStore>(
        ws::TlsFiles{flags.tls_cert, flags.tls_key, flags.tls_ca});
    if (auto reason = store->reload(); !reason.empty()) return FlagProblem{"--tls-cert", reason};
    config.ws.security.tls = std::move(store);
    return std::nullopt;
}

std::optional<FlagProblem> apply_mqtt_tls(const SecurityFlags& flags, bool mqtt_url_tls,
                                          Config& config) {
    auto& tls = config.mqtt.tls;
    for (auto [flag, value] :
         {std::pair{"--mqtt-ca", &flags.mqtt_ca}, std::pair{"--mqtt-cert", &flags.mqtt_cert},
          std::pair{"--mqtt-key", &flags.mqtt_key}}) {
        if (!value->empty() && !mqtt_url_tls) {
            return FlagProblem{flag, "needs an ssl://, mqtts:// or wss:// --mqtt-url"};
        }
    }
    if (flags.mqtt_insecure && !mqtt_url_tls) {
        return FlagProblem{"--mqtt-insecure", "needs an ssl://, mqtts:// or wss:// --mqtt-url"};
    }
    if (flags.mqtt_cert.empty() != flags.mqtt_key.empty()) {
        return FlagProblem{flags.mqtt_key.empty() ? "--mqtt-key" : "--mqtt-cert",
                           "--mqtt-cert and --mqtt-key go together"};
    }
    tls.enabled = mqtt_url_tls;
    tls.ca_file = flags.mqtt_ca;
    tls.cert_file = flags.mqtt_cert;
    tls.key_file = flags.mqtt_key;
    tls.insecure = flags.mqtt_insecure;
    if (flags.mqtt_insecure) {
        config.warnings.push_back(
            "--mqtt-insecure: the broker's certificate is not verified; anyone on the path can "
            "pose as the broker");
    }
    return std::nullopt;
}

}  // namespace

std::optional<FlagProblem> apply_security_flags(const SecurityFlags& flags, bool mqtt_url_tls,
                                                Config& config) {
    if (auto problem = apply_tls(flags, config)) return problem;
    if (auto problem = apply_mqtt_tls(flags, mqtt_url_tls, config)) return problem;
    if (auto problem = apply_auth(flags, config)) return problem;
    config.ws.security.allowed_origins = flags.allowed_origins;
    return std::nullopt;
}

}  // namespace mqttws::app
