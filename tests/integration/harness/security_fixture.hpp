#pragma once

#include <string>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/temp_dir.hpp"

namespace mwb::it {

// BridgeTest plus what the security tests share: a temp dir for token files and keys, upgrade
// requests with extra headers, and the check that no secret reached the bridge's log.
class SecurityTest : public BridgeTest {
  protected:
    SecurityTest() : dir_("mwb-security") {}

    std::string write_file(const std::string& name, const std::string& text) const;

    // A WebSocket upgrade request for `target` with `extra` headers.
    HttpResponse upgrade(const std::string& target, const HttpClient::Headers& extra = {});

    // The lowercase hex SHA-256 of `text` (what a token file stores).
    static std::string sha256_hex(const std::string& text);

    // Fails the test if any of `secrets` appears in the bridge's log.
    void expect_log_free_of(const std::vector<std::string>& secrets);

    TempDir dir_;
};

}  // namespace mwb::it
