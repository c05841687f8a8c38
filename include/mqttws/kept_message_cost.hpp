// What one message a store keeps (the retained store, the history) counts
// against that store's byte bound, so the bound holds for real memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mqttws {

// A kept message holds its payload and topic four times: the decoded message,
// and the frames built for its live delivery, which stay with it (the payload
// alone, the msg JSON, the protocol envelope). The fixed share covers the
// message and frame objects, the JSON around the payload and a store's entry.
// The count assumes every wire form was built, so a bridge serving one kind
// of client holds less than it counts, never more; the figures are measured
// by tests/unit/history_memory_test.cpp.
inline constexpr std::uint64_t kept_text_copies = 4;
inline constexpr std::uint64_t kept_message_overhead = 1664;

inline std::uint64_t kept_message_bytes(std::size_t payload_size, std::size_t topic_size) {
    return (payload_size + topic_size) * kept_text_copies + kept_message_overhead;
}

}  // namespace mqttws
