// --auth jwt: signed JSON Web Tokens. libjwt checks the signature; the
// algorithm must be the one the key is for (HS256 with --jwt-secret-file,
// RS256 or ES256 with an RSA or EC --jwt-public-key), so a token cannot pick
// a weaker one or none. Claims are checked by check_jwt_claims.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "auth/authenticator.hpp"
#include "mqttws/jwt_claims.hpp"

namespace mqttws::auth {

struct JwtKeyFiles {
    std::string secret_file;      // HS256: the file's bytes (one trailing newline removed)
    std::string public_key_file;  // RS256/ES256: a PEM public key
};

class JwtAuthenticator final : public Authenticator {
  public:
    // The reason (naming the file, never its content) when the key cannot be used.
    static std::variant<std::unique_ptr<JwtAuthenticator>, std::string> load(
        const JwtKeyFiles& files, JwtPolicy policy);

    std::optional<Identity> authenticate(std::string_view credential,
                                         std::string& reason) const override;

    // "HS256", "RS256" or "ES256".
    const char* algorithm_name() const;

  private:
    JwtAuthenticator(int algorithm, std::vector<unsigned char> key, JwtPolicy policy)
        : algorithm_(algorithm), key_(std::move(key)), policy_(std::move(policy)) {}

    int algorithm_;  // jwt_alg_t
    std::vector<unsigned char> key_;
    JwtPolicy policy_;
};

}  // namespace mqttws::auth
