// Session ids: "<instance-id>.<shard><random>", e.g. "edge-1.01q3LkT0Vb2xZ9mJ4nPQrsAw".
// The instance prefix tells which bridge instance holds the session, the two
// hex digits which of its shards, and 128 random bits make it unguessable.
// Every character is URL-safe and MQTT-topic-safe (no '/', '+', '#').
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqttws {

inline constexpr std::size_t session_random_bytes = 16;
// Two lowercase hex digits of shard, then 22 base64url characters.
inline constexpr std::size_t session_local_length = 24;
inline constexpr unsigned max_shards = 256;
// Between the instance id and the rest: in neither an instance id nor base64url.
inline constexpr char session_instance_separator = '.';
inline constexpr std::size_t max_instance_id_length = 64;

// An instance id is 1 to 64 ASCII letters, digits, '-' or '_': it becomes a
// topic level of the reply topic and the prefix of every session id.
bool is_valid_instance_id(std::string_view instance_id);

// `instance_id` must be valid (is_valid_instance_id).
std::string make_session_id(std::string_view instance_id, unsigned shard,
                            const std::array<unsigned char, session_random_bytes>& random);

struct SessionIdParts {
    std::string_view instance_id;
    unsigned shard = 0;
};

// The parts of a well-formed id (views into `session_id`); nullopt for anything else.
std::optional<SessionIdParts> parse_session_id(std::string_view session_id);

// Where a message targeting `session_id` goes, seen from instance `instance_id`
// running `shards` shards.
enum class SessionPlace {
    local,      // this instance, shard `shard`
    not_local,  // another instance holds it: not ours to deliver
    unknown,    // malformed, or naming a shard this instance does not have
};
struct SessionLocation {
    SessionPlace place = SessionPlace::unknown;
    unsigned shard = 0;
};
SessionLocation locate_session(std::string_view session_id, std::string_view instance_id,
                               unsigned shards);

}  // namespace mqttws
