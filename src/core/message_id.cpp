#include "mqttws/message_id.hpp"

namespace mqttws {

std::string MessageIdGenerator::next() {
    // Weyl sequence: an odd increment visits every 64-bit value once, so ids
    // never repeat within a process while still looking unrelated.
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t v = state_;
    v ^= v >> 31;
    v *= 0xBF58476D1CE4E5B9ULL;  // odd multiplier and xorshift: a bijection
    v ^= v >> 29;
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<std::size_t>(i)] = hex[v & 0xF];
    return id;
}

}  // namespace mqttws
