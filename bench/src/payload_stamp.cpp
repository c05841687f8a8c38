#include "payload_stamp.hpp"

namespace mwb::bench {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void write_hex(std::uint64_t value, char* out) {
    for (int i = 15; i >= 0; --i) {
        out[i] = kHex[value & 0xF];
        value >>= 4;
    }
}

std::optional<std::uint64_t> read_hex(std::string_view text) {
    std::uint64_t value = 0;
    for (const char c : text) {
        int digit;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else {
            return std::nullopt;
        }
        value = (value << 4) | static_cast<std::uint64_t>(digit);
    }
    return value;
}

}  // namespace

void write_stamp(const PayloadStamp& stamp, char* out) {
    write_hex(stamp.sent_ns, out);
    out[16] = '.';
    write_hex(stamp.sequence, out + 17);
}

std::string encode_stamp(const PayloadStamp& stamp, std::size_t size) {
    std::string payload(size < kStampSize ? kStampSize : size, '.');
    write_stamp(stamp, payload.data());
    return payload;
}

std::optional<PayloadStamp> decode_stamp(std::string_view payload) {
    if (payload.size() < kStampSize || payload[16] != '.') return std::nullopt;
    const auto sent = read_hex(payload.substr(0, 16));
    const auto sequence = read_hex(payload.substr(17, 16));
    if (!sent || !sequence) return std::nullopt;
    return PayloadStamp{*sent, *sequence};
}

}  // namespace mwb::bench
