// Each WebSocket connection holds one file descriptor; distributions start
// processes with a soft limit (often 1,024) far below what the bridge is
// meant to hold.
#pragma once

#include <cstdint>

namespace mqttws::app {

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the soft limit
// now in force (0 if it could not be read).
std::uint64_t raise_open_file_limit();

}  // namespace mqttws::app
