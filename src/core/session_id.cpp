#include "mqttws/session_id.hpp"

#include <algorithm>

#include "mqttws/base64.hpp"

namespace mqttws {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool is_ascii_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_base64url(char c) {
    return is_ascii_alnum(c) || c == '-' || c == '_';
}

}  // namespace

bool is_valid_instance_id(std::string_view instance_id) {
    if (instance_id.empty() || instance_id.size() > max_instance_id_length) return false;
    // The same alphabet as base64url: the separator stays unambiguous.
    return std::all_of(instance_id.begin(), instance_id.end(), is_base64url);
}

std::string make_session_id(std::string_view instance_id, unsigned shard,
                            const std::array<unsigned char, session_random_bytes>& random) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    id.reserve(instance_id.size() + 1 + session_local_length);
    id += instance_id;
    id += session_instance_separator;
    id += hex[(shard >> 4) & 0xF];
    id += hex[shard & 0xF];
    id += base64url_encode(
        std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
    return id;
}

std::optional<SessionIdParts> parse_session_id(std::string_view session_id) {
    if (session_id.size() <= session_local_length) return std::nullopt;
    const std::size_t separator = session_id.size() - session_local_length - 1;
    if (session_id[separator] != session_instance_separator) return std::nullopt;
    const std::string_view instance = session_id.substr(0, separator);
    if (!is_valid_instance_id(instance)) return std::nullopt;
    const std::string_view local = session_id.substr(separator + 1);
    const int high = hex_value(local[0]);
    const int low = hex_value(local[1]);
    if (high < 0 || low < 0) return std::nullopt;
    if (!std::all_of(local.begin() + 2, local.end(), is_base64url)) return std::nullopt;
    return SessionIdParts{instance, static_cast<unsigned>(high * 16 + low)};
}

SessionLocation locate_session(std::string_view session_id, std::string_view instance_id,
                               unsigned shards) {
    const auto parts = parse_session_id(session_id);
    if (!parts) return {};
    if (parts->instance_id != instance_id) return {SessionPlace::not_local, 0};
    if (parts->shard >= shards) return {};
    return {SessionPlace::local, parts->shard};
}

}  // namespace mqttws
