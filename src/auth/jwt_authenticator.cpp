#include "auth/jwt_authenticator.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace mqttws::auth {

namespace {

std::optional<std::vector<unsigned char>> read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(file),
                                      std::istreambuf_iterator<char>());
}

// The algorithm a PEM public key is for, or JWT_ALG_INVAL.
jwt_alg_t algorithm_for_public_key(const std::vector<unsigned char>& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (!bio) return JWT_ALG_INVAL;
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key) return JWT_ALG_INVAL;
    jwt_alg_t algorithm = JWT_ALG_INVAL;
    if (EVP_PKEY_is_a(key, "RSA")) {
        algorithm = JWT_ALG_RS256;
    } else if (EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) == 256) {
        algorithm = JWT_ALG_ES256;
    }
    EVP_PKEY_free(key);
    return algorithm;
}

struct JwtFree {
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
struct CharFree {
    void operator()(char* text) const { std::free(text); }
};

}  // namespace

std::variant<std::unique_ptr<JwtAuthenticator>, std::string> JwtAuthenticator::load(
    const JwtKeyFiles& files, JwtPolicy policy) {
    if (!files.secret_file.empty() == !files.public_key_file.empty()) {
        return std::string("give --jwt-secret-file or --jwt-public-key (one of them)");
    }
    if (!files.secret_file.empty()) {
        auto secret = read_file(files.secret_file);
        if (!secret) return "cannot read '" + files.secret_file + "'";
        if (!secret->empty() && secret->back() == '\n') secret->pop_back();
        if (!secret->empty() && secret->back() == '\r') secret->pop_back();
        // RFC 7518 3.2: an HS256 key has at least as many bits as the hash.
        if (secret->size() < 32) {
            return "'" + files.secret_file + "' holds fewer than 32 bytes (HS256 needs 256 bits)";
        }
        return std::unique_ptr<JwtAuthenticator>(
            new JwtAuthenticator(JWT_ALG_HS256, std::move(*secret), std::move(policy)));
    }
    auto pem = read_file(files.public_key_file);
    if (!pem) return "cannot read '" + files.public_key_file + "'";
    const jwt_alg_t algorithm = algorithm_for_public_key(*pem);
    if (algorithm == JWT_ALG_INVAL) {
        return "'" + files.public_key_file +
               "' is not a PEM RSA or P-256 EC public key (for RS256 or ES256)";
    }
    return std::unique_ptr<JwtAuthenticator>(
        new JwtAuthenticator(algorithm, std::move(*pem), std::move(policy)));
}

const char* JwtAuthenticator::algorithm_name() const {
    return jwt_alg_str(static_cast<jwt_alg_t>(algorithm_));
}

std::optional<Identity> JwtAuthenticator::authenticate(std::string_view credential,
                                                       std::string& reason) const {
    const std::string token(credential);
    jwt_t* raw = nullptr;
    if (jwt_decode(&raw, token.c_str(), key_.data(), static_cast<int>(key_.size())) != 0 || !raw) {
        if (raw) jwt_free(raw);
        reason = "signature or format invalid";
        return std::nullopt;
    }
    const std::unique_ptr<jwt_t, JwtFree> jwt(raw);
    // Checked after decoding too: a token must not choose its own algorithm
    // (e.g. HS256 keyed with our public key, or none).
    if (jwt_get_alg(jwt.get()) != static_cast<jwt_alg_t>(algorithm_)) {
        reason = "unexpected algorithm";
        return std::nullopt;
    }
    const std::unique_ptr<char, CharFree> payload(jwt_get_grants_json(jwt.get(), nullptr));
    if (!payload) {
        reason = "no claims";
        return std::nullopt;
    }
    const auto now = std::chrono::system_clock::now();
    const std::int64_t now_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    auto claims = check_jwt_claims(payload.get(), now_seconds, policy_);
    if (auto* why = std::get_if<std::string>(&claims)) {
        reason = *why;
        return std::nullopt;
    }
    auto& checked = std::get<JwtClaims>(claims);
    Identity identity{std::move(checked.subject), std::move(checked.permissions), std::nullopt};
    if (checked.valid_until) identity.valid_until = system_time_from_seconds(*checked.valid_until);
    return identity;
}

}  // namespace mqttws::auth
