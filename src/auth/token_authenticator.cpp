#include "auth/token_authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

namespace mqttws::auth {

std::variant<std::unique_ptr<TokenAuthenticator>, std::string> TokenAuthenticator::load(
    const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return "cannot read '" + path + "'";
    std::ostringstream text;
    text << file.rdbuf();
    auto table = parse_token_table(text.str());
    if (auto* reason = std::get_if<std::string>(&table)) return "'" + path + "': " + *reason;
    return std::make_unique<TokenAuthenticator>(
        std::get<std::vector<TokenEntry>>(std::move(table)));
}

std::optional<Identity> TokenAuthenticator::authenticate(std::string_view credential,
                                                         std::string& reason) const {
    Sha256 digest{};
    unsigned int length = 0;
    if (EVP_Digest(credential.data(), credential.size(), digest.data(), &length, EVP_sha256(),
                   nullptr) != 1 ||
        length != digest.size()) {
        reason = "hashing failed";
        return std::nullopt;
    }
    // Every entry is compared, in constant time each, so the time taken does
    // not tell which entry (or how much of one) matched.
    const TokenEntry* found = nullptr;
    for (const auto& entry : entries_) {
        if (CRYPTO_memcmp(entry.sha256.data(), digest.data(), digest.size()) == 0) found = &entry;
    }
    if (!found) {
        reason = "unknown token";
        return std::nullopt;
    }
    return Identity{found->subject, found->permissions, std::nullopt};
}

}  // namespace mqttws::auth
