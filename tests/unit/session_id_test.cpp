// Session ids: shard in two hex digits, then 128 random bits in base64url.
#include "mqttws/session_id.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace mqttws {
namespace {

using Random = std::array<unsigned char, session_random_bytes>;

Random random_bytes(std::mt19937_64& rng) {
    Random bytes{};
    for (auto& b : bytes) b = static_cast<unsigned char>(rng() & 0xFF);
    return bytes;
}

const std::regex session_pattern("[0-9a-f]{2}[A-Za-z0-9_-]{22}");

TEST(SessionId, ShapeAndUniqueness) {
    std::mt19937_64 rng(2024);
    std::unordered_set<std::string> seen;
    std::set<Random> inputs;
    for (int i = 0; i < 10'000; ++i) {
        Random bytes = random_bytes(rng);
        while (!inputs.insert(bytes).second) bytes = random_bytes(rng);
        const std::string id = make_session_id(static_cast<unsigned>(i % 4), bytes);
        ASSERT_EQ(id.size(), session_id_length) << id;
        ASSERT_TRUE(std::regex_match(id, session_pattern)) << id;
        ASSERT_TRUE(seen.insert(id).second) << "repeated " << id;
    }
}

TEST(SessionId, DistinctRandomGivesDistinctIdsOnOneShard) {
    // Inputs differing in a single bit still give distinct ids.
    std::unordered_set<std::string> seen;
    const Random zero{};
    seen.insert(make_session_id(0, zero));
    for (std::size_t byte = 0; byte < session_random_bytes; ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            Random r = zero;
            r[byte] = static_cast<unsigned char>(1u << bit);
            EXPECT_TRUE(seen.insert(make_session_id(0, r)).second) << byte << ":" << bit;
        }
    }
}

TEST(SessionId, EncodesTheRandomBytes) {
    Random all_ones;
    all_ones.fill(0xFF);
    EXPECT_EQ(make_session_id(0, all_ones), "00_____________________w");
    EXPECT_EQ(make_session_id(255, Random{}), "ffAAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_EQ(make_session_id(0xa5, Random{}).substr(0, 2), "a5");
}

TEST(SessionShard, RoundTripsEveryShard) {
    std::mt19937_64 rng(7);
    for (unsigned shard = 0; shard < max_shards; ++shard) {
        const std::string id = make_session_id(shard, random_bytes(rng));
        ASSERT_TRUE(std::regex_match(id, session_pattern)) << id;
        EXPECT_EQ(session_shard(id), shard) << id;
    }
}

TEST(SessionShard, MalformedIdsAreRefused) {
    const std::string good = make_session_id(3, Random{});
    ASSERT_EQ(session_shard(good), 3u);
    std::vector<std::string> bad = {
        "",
        "0",
        "03",
        good.substr(0, 23),
        good + "A",
        "0G" + good.substr(2),  // not hex
        "0A" + good.substr(2),  // uppercase hex is not what we make
        "-1" + good.substr(2),
        " 3" + good.substr(2),
        good.substr(0, 10) + "+" + good.substr(11),  // standard base64, not URL-safe
        good.substr(0, 10) + "/" + good.substr(11),
        good.substr(0, 10) + "=" + good.substr(11),
        good.substr(0, 23) + "=",
        good.substr(0, 10) + std::string(1, '\0') + good.substr(11),
        good.substr(0, 10) + "\xc3" + good.substr(11),
        std::string(24, ' '),
        "../../etc/passwd/xxxxxxx",
    };
    for (const auto& id : bad) {
        EXPECT_EQ(session_shard(id), std::nullopt) << ::testing::PrintToString(id);
    }
}

}  // namespace
}  // namespace mqttws
