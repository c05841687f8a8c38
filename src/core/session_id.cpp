#include "mqttws/session_id.hpp"

#include "mqttws/base64.hpp"

namespace mqttws {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool is_base64url(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

std::string make_session_id(unsigned shard,
                            const std::array<unsigned char, session_random_bytes>& random) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    id.reserve(session_id_length);
    id += hex[(shard >> 4) & 0xF];
    id += hex[shard & 0xF];
    id += base64url_encode(
        std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
    return id;
}

std::optional<unsigned> session_shard(std::string_view session_id) {
    if (session_id.size() != session_id_length) return std::nullopt;
    const int high = hex_value(session_id[0]);
    const int low = hex_value(session_id[1]);
    if (high < 0 || low < 0) return std::nullopt;
    for (char c : session_id.substr(2)) {
        if (!is_base64url(c)) return std::nullopt;
    }
    return static_cast<unsigned>(high * 16 + low);
}

}  // namespace mqttws
