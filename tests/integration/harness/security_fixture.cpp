#include "harness/security_fixture.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "harness/text_file.hpp"

namespace mwb::it {

std::string SecurityTest::write_file(const std::string& name, const std::string& text) const {
    TextFile::write(dir_.file(name), text);
    return dir_.file(name).string();
}

HttpResponse SecurityTest::upgrade(const std::string& target, const HttpClient::Headers& extra) {
    HttpClient::Headers headers = HttpClient::websocket_upgrade_headers();
    headers.insert(headers.end(), extra.begin(), extra.end());
    return HttpClient::get(bridge().port(), target, headers);
}

std::string SecurityTest::sha256_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
}

void SecurityTest::expect_log_free_of(const std::vector<std::string>& secrets) {
    const std::string log = bridge().log();
    ASSERT_FALSE(log.empty());
    for (const auto& secret : secrets) {
        EXPECT_EQ(log.find(secret), std::string::npos) << "a secret reached the log: " << secret;
    }
}

}  // namespace mwb::it
