// --auth token: opaque bearer tokens, known by their SHA-256 (--token-file).
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "auth/authenticator.hpp"
#include "mqttws/token_table.hpp"

namespace mqttws::auth {

class TokenAuthenticator final : public Authenticator {
  public:
    explicit TokenAuthenticator(std::vector<TokenEntry> entries) : entries_(std::move(entries)) {}

    // Reads and checks the token file; the reason when it cannot be used.
    static std::variant<std::unique_ptr<TokenAuthenticator>, std::string> load(
        const std::string& path);

    std::optional<Identity> authenticate(std::string_view credential,
                                         std::string& reason) const override;

  private:
    std::vector<TokenEntry> entries_;
};

}  // namespace mqttws::auth
