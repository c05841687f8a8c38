#include "harness/jwt_minter.hpp"

#include <jwt.h>

#include <cstdlib>
#include <stdexcept>

namespace mwb::it {

std::string JwtMinter::mint(const std::string& algorithm, const std::string& key,
                            const std::string& payload_json) {
    jwt_t* jwt = nullptr;
    if (jwt_new(&jwt) != 0) throw std::runtime_error("jwt_new failed");
    const jwt_alg_t alg = jwt_str_alg(algorithm.c_str());
    if (jwt_add_grants_json(jwt, payload_json.c_str()) != 0 ||
        jwt_set_alg(jwt, alg,
                    key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) != 0) {
        jwt_free(jwt);
        throw std::runtime_error("cannot build a test JWT");
    }
    char* encoded = jwt_encode_str(jwt);
    jwt_free(jwt);
    if (!encoded) throw std::runtime_error("jwt_encode_str failed");
    std::string token(encoded);
    std::free(encoded);
    return token;
}

}  // namespace mwb::it
