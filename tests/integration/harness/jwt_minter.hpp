#pragma once

#include <string>

namespace mwb::it {

// Signs test JWTs with libjwt (the library the bridge verifies with, used here the other way).
class JwtMinter {
  public:
    // `payload_json` is the claims object; `key` the HMAC secret or a PEM private key.
    // `algorithm` is "HS256", "RS256" or "ES256".
    static std::string mint(const std::string& algorithm, const std::string& key,
                            const std::string& payload_json);
};

}  // namespace mwb::it
