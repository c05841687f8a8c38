// Session ids: 128 random bits, URL-safe, carrying the shard that holds the
// connection so a targeted message is posted to one shard only.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqttws {

inline constexpr std::size_t session_random_bytes = 16;
// Two lowercase hex digits of shard, then 22 base64url characters.
inline constexpr std::size_t session_id_length = 24;
inline constexpr unsigned max_shards = 256;

std::string make_session_id(unsigned shard,
                            const std::array<unsigned char, session_random_bytes>& random);

// The shard encoded in a well-formed id; nullopt for anything else.
std::optional<unsigned> session_shard(std::string_view session_id);

}  // namespace mqttws
