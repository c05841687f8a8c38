// Session ids: "<instance-id>.", the shard in two hex digits, then 128 random
// bits in base64url; and which instance and shard an id names.
#include "mqttws/session_id.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
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

bool is_url_safe(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// <instance: 1-64 of [A-Za-z0-9_-]>.<2 lowercase hex><22 of [A-Za-z0-9_-]>
bool has_session_form(const std::string& id) {
    const auto dot = id.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 64 || id.size() != dot + 1 + 24) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        if (i == dot) continue;
        const bool ok = i < dot || i > dot + 2 ? is_url_safe(c)
                                               : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (!ok) return false;
    }
    return true;
}

TEST(InstanceId, LettersDigitsDashUnderscoreUpTo64) {
    for (const std::string& id :
         std::vector<std::string>{"a", "Z", "0", "-", "_", "edge-1", "eu_west_3",
                                  "0123456789abcdef", std::string(64, 'x')}) {
        EXPECT_TRUE(is_valid_instance_id(id)) << id;
    }
}

TEST(InstanceId, EverythingElseIsRefused) {
    const std::vector<std::string> bad = {
        "",
        std::string(65, 'x'),
        "a.b",  // the separator inside session ids
        "a/b",  // a topic level of the reply topic
        "a+b",
        "a#b",
        "+",
        "#",
        "a b",
        "a%2Fb",
        "a?b",
        "a~b",
        "caf\xc3\xa9",  // ASCII only
        std::string("a\0b", 3),
        "a\nb",
    };
    for (const auto& id : bad) {
        EXPECT_FALSE(is_valid_instance_id(id)) << ::testing::PrintToString(id);
    }
}

TEST(SessionId, ShapeAndUniqueness) {
    std::mt19937_64 rng(2024);
    std::unordered_set<std::string> seen;
    std::set<Random> inputs;
    for (int i = 0; i < 10'000; ++i) {
        Random bytes = random_bytes(rng);
        while (!inputs.insert(bytes).second) bytes = random_bytes(rng);
        const std::string id = make_session_id("edge-1", static_cast<unsigned>(i % 4), bytes);
        ASSERT_EQ(id.size(), 6 + 1 + session_local_length) << id;
        ASSERT_TRUE(has_session_form(id)) << id;
        ASSERT_TRUE(seen.insert(id).second) << "repeated " << id;
    }
}

TEST(SessionId, UrlAndTopicSafe) {
    Random all_ones;
    all_ones.fill(0xFF);
    for (const Random& r : {Random{}, all_ones}) {
        const std::string id = make_session_id(std::string(64, '_'), 255, r);
        EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789-_."),
                  std::string::npos)
            << id;
        EXPECT_EQ(id.find_first_of("/+#"), std::string::npos) << id;
    }
}

TEST(SessionId, DistinctRandomGivesDistinctIdsOnOneShard) {
    // Inputs differing in a single bit still give distinct ids.
    std::unordered_set<std::string> seen;
    const Random zero{};
    seen.insert(make_session_id("i", 0, zero));
    for (std::size_t byte = 0; byte < session_random_bytes; ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            Random r = zero;
            r[byte] = static_cast<unsigned char>(1u << bit);
            EXPECT_TRUE(seen.insert(make_session_id("i", 0, r)).second) << byte << ":" << bit;
        }
    }
}

TEST(SessionId, EncodesInstanceShardAndRandomBytes) {
    Random all_ones;
    all_ones.fill(0xFF);
    EXPECT_EQ(make_session_id("a", 0, all_ones), "a.00_____________________w");
    EXPECT_EQ(make_session_id("edge-1", 255, Random{}), "edge-1.ffAAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_EQ(make_session_id("x", 0xa5, Random{}).substr(0, 4), "x.a5");
}

TEST(ParseSessionId, RoundTripsEveryShardAndInstance) {
    std::mt19937_64 rng(7);
    for (const std::string& instance :
         std::vector<std::string>{"a", "edge-1", "_-_", std::string(64, '9')}) {
        for (unsigned shard = 0; shard < max_shards; ++shard) {
            const std::string id = make_session_id(instance, shard, random_bytes(rng));
            ASSERT_TRUE(has_session_form(id)) << id;
            const auto parts = parse_session_id(id);
            ASSERT_TRUE(parts.has_value()) << id;
            EXPECT_EQ(parts->instance_id, instance) << id;
            EXPECT_EQ(parts->shard, shard) << id;
        }
    }
}

TEST(ParseSessionId, MalformedIdsAreRefused) {
    const std::string good = make_session_id("edge-1", 3, Random{});
    ASSERT_TRUE(parse_session_id(good).has_value());
    const std::string local = good.substr(7);  // shard + random
    ASSERT_EQ(local.size(), session_local_length);
    const std::vector<std::string> bad = {
        "",
        "0",
        "03",
        local,        // the old form, without an instance
        "." + local,  // empty instance
        std::string(65, 'x') + "." + local,
        "a.b." + local,
        "a/b." + local,
        "a+b." + local,
        "a#b." + local,
        "a b." + local,
        "edge-1" + local,   // no separator
        "edge-1_" + local,  // another character in its place
        good.substr(0, good.size() - 1),
        good + "A",
        "edge-1.0G" + local.substr(2),  // not hex
        "edge-1.0A" + local.substr(2),  // uppercase hex is not what we make
        "edge-1.-1" + local.substr(2),
        "edge-1. 3" + local.substr(2),
        good.substr(0, 15) + "+" + good.substr(16),  // standard base64, not URL-safe
        good.substr(0, 15) + "/" + good.substr(16),
        good.substr(0, 15) + "=" + good.substr(16),
        good.substr(0, 15) + "." + good.substr(16),
        good.substr(0, good.size() - 1) + "=",
        good.substr(0, 15) + std::string(1, '\0') + good.substr(16),
        good.substr(0, 15) + "\xc3" + good.substr(16),
        std::string(31, ' '),
        "../../etc/passwd/xxxxxxxxxxxxxxx",
    };
    for (const auto& id : bad) {
        EXPECT_EQ(parse_session_id(id), std::nullopt) << ::testing::PrintToString(id);
    }
}

TEST(LocateSession, OwnInstanceIsLocalOnItsShard) {
    const std::string id = make_session_id("edge-1", 1, Random{});
    const SessionLocation where = locate_session(id, "edge-1", 2);
    EXPECT_EQ(where.place, SessionPlace::local);
    EXPECT_EQ(where.shard, 1u);
}

TEST(LocateSession, AnotherInstanceIsNotLocal) {
    const std::string id = make_session_id("edge-2", 0, Random{});
    EXPECT_EQ(locate_session(id, "edge-1", 2).place, SessionPlace::not_local);
    // Instance ids compare exactly: no prefix, no case folding.
    EXPECT_EQ(locate_session(make_session_id("edge", 0, Random{}), "edge-1", 2).place,
              SessionPlace::not_local);
    EXPECT_EQ(locate_session(make_session_id("EDGE-1", 0, Random{}), "edge-1", 2).place,
              SessionPlace::not_local);
    // Even a shard this instance does not have: it is simply not ours.
    EXPECT_EQ(locate_session(make_session_id("edge-2", 200, Random{}), "edge-1", 2).place,
              SessionPlace::not_local);
}

TEST(LocateSession, MalformedOrMissingShardIsUnknown) {
    EXPECT_EQ(locate_session("", "edge-1", 2).place, SessionPlace::unknown);
    EXPECT_EQ(locate_session("nonsense", "edge-1", 2).place, SessionPlace::unknown);
    EXPECT_EQ(locate_session(make_session_id("edge-1", 0, Random{}).substr(7), "edge-1", 2).place,
              SessionPlace::unknown);
    EXPECT_EQ(locate_session(make_session_id("edge-1", 2, Random{}), "edge-1", 2).place,
              SessionPlace::unknown);
    EXPECT_EQ(locate_session(make_session_id("edge-1", 255, Random{}), "edge-1", 2).place,
              SessionPlace::unknown);
}

}  // namespace
}  // namespace mqttws
