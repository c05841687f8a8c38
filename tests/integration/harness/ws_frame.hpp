#pragma once

#include <string>

namespace mwb::it {

// One WebSocket data frame (message) as received.
struct WsFrame {
    bool binary = false;  // opcode: binary (true) or text (false)
    std::string payload;
};

}  // namespace mwb::it
