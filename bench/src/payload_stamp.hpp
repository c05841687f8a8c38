// The benchmark payload: printable ASCII so every bridge passes it as a text frame
// unchanged. It starts with the send time and sequence number as fixed-width hex and is
// padded to the requested size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mwb::bench {

struct PayloadStamp {
    std::uint64_t sent_ns = 0;  // CLOCK_MONOTONIC of the sender
    std::uint64_t sequence = 0;
};

// Smallest payload that holds a stamp.
inline constexpr std::size_t kStampSize = 33;

// Writes the stamp and padding; the result has max(size, kStampSize) bytes.
std::string encode_stamp(const PayloadStamp& stamp, std::size_t size);
// Writes over the first kStampSize bytes of `out` (which must be at least that long),
// leaving the padding, so the sender reuses one buffer.
void write_stamp(const PayloadStamp& stamp, char* out);
// Reads a stamp from the start of a payload; nullopt when it does not start with one.
std::optional<PayloadStamp> decode_stamp(std::string_view payload);

}  // namespace mwb::bench
