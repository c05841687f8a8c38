// Base64 (RFC 4648): standard with padding for payloads, URL-safe without
// padding for session ids.
#include "mqttws/base64.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace mqttws {
namespace {

using namespace std::string_literals;

TEST(Base64, Rfc4648TestVectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(plain), encoded);
        EXPECT_EQ(base64_decode(encoded), std::string(plain));
    }
}

TEST(Base64, AllByteValues) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    const std::string encoded = base64_encode(bytes);
    EXPECT_EQ(encoded.size(), 344u);
    EXPECT_EQ(base64_decode(encoded), bytes);
    EXPECT_EQ(base64_encode("\xfb\xff\xbf"s), "+/+/");
    EXPECT_EQ(base64_decode("+/+/"), "\xfb\xff\xbf"s);
}

TEST(Base64, RandomRoundTrips) {
    std::mt19937 rng(5);
    for (std::size_t len = 0; len < 200; ++len) {
        std::string bytes(len, '\0');
        for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
        EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << len;
    }
}

TEST(Base64, DecodeRefusesNonCanonicalOrMalformed) {
    for (const char* text : {"Z", "Zg", "Zg=", "Zm9", "Zg===", "====", "Z===", "=Zg=", "Zg=a",
                             "Z=g=", "Zm9v Zg==", "Zm9v\n", "Zm!v",
                             "Zm9v-_==", "Zh==", "Zm9=", "Zg==Zg==", "Zm8=Zm9v"}) {
        EXPECT_EQ(base64_decode(text), std::nullopt) << text;
    }
}

TEST(Base64Url, NoPaddingAndUrlSafeAlphabet) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("\xfb\xff\xbf"s), "-_-_");
    EXPECT_EQ(base64url_encode(std::string(16, '\xff')), "_____________________w");
}

}  // namespace
}  // namespace mqttws
