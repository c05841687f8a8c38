#include "app/security_flags.hpp"

#include <boost/asio/ip/address.hpp>

#include "auth/jwt_authenticator.hpp"
#include "auth/token_authenticator.hpp"
#include "mqttws/units.hpp"

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
        const auto leeway = parse_duration(flags.jwt_leeway);
        if (!leeway || *leeway > std::chrono::hours(1)) {
            return FlagProblem{"--jwt-leeway",
                               "'" + flags.jwt_leeway + "' is not a duration up to 1h (e.g. 30s)"};
        }
        policy.leeway = std::chrono::duration_cast<std::chrono::seconds>(*leeway);
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

void add_security_flags(CLI::App& app, SecurityFlags& flags, const EnvName& env_name) {
    auto add = [&](const std::string& flag, auto& target, const std::string& help) {
        return app.add_option(flag, target, help)->envname(env_name(flag));
    };
    add("--auth", flags.auth, "Client authentication: none, token or jwt")->capture_default_str();
    add("--token-file", flags.token_file,
        "--auth token: JSON file of SHA-256 token hashes and their permissions");
    add("--jwt-secret-file", flags.jwt_secret_file, "--auth jwt: HS256 secret (file)");
    add("--jwt-public-key", flags.jwt_public_key,
        "--auth jwt: PEM public key, RSA (RS256) or P-256 (ES256)");
    add("--jwt-audience", flags.jwt_audience, "--auth jwt: required 'aud'");
    add("--jwt-issuer", flags.jwt_issuer, "--auth jwt: required 'iss'");
    add("--jwt-leeway", flags.jwt_leeway, "--auth jwt: clock skew allowed on exp/nbf")
        ->capture_default_str();
    add("--allowed-origin", flags.allowed_origins,
        "Browser Origin allowed to connect; repeatable (none: any)")
        ->delimiter(',');
    add("--tls-cert", flags.tls_cert, "Serve wss://: PEM certificate chain (SIGHUP reloads)");
    add("--tls-key", flags.tls_key, "PEM private key for --tls-cert");
    add("--tls-ca", flags.tls_ca, "PEM CA bundle: require client certificates it signed");
    add("--mqtt-ca", flags.mqtt_ca, "PEM CA bundle to verify the broker (default: system's)");
    add("--mqtt-cert", flags.mqtt_cert, "PEM client certificate for the broker");
    add("--mqtt-key", flags.mqtt_key, "PEM private key for --mqtt-cert");
    app.add_flag("--mqtt-insecure", flags.mqtt_insecure,
                 "Do not verify the broker's certificate (testing only)")
        ->envname(env_name("--mqtt-insecure"));
}

std::optional<FlagProblem> apply_security_flags(const SecurityFlags& flags, bool mqtt_url_tls,
                                                Config& config) {
    if (auto problem = apply_tls(flags, config)) return problem;
    if (auto problem = apply_mqtt_tls(flags, mqtt_url_tls, config)) return problem;
    if (auto problem = apply_auth(flags, config)) return problem;
    for (const auto& origin : flags.allowed_origins) {
        if (origin.empty() || origin.find("://") == std::string::npos || origin.back() == '/') {
            return FlagProblem{"--allowed-origin",
                               "'" + origin + "' must look like https://host[:port]"};
        }
    }
    config.ws.security.allowed_origins = flags.allowed_origins;
    return std::nullopt;
}

}  // namespace mqttws::app
