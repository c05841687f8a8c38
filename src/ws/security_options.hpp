// Role: configuration. Who may connect and over what: the WebSocket side's share of --auth,
// --allowed-origin and --tls-*.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth/authenticator.hpp"
#include "ws/tls_context.hpp"

namespace mqttws::ws {

struct SecurityOptions {
    // Null: --auth none, every client may do everything --allow-publish allows.
    std::shared_ptr<const auth::Authenticator> authenticator;
    // --allowed-origin; empty: any Origin.
    std::vector<std::string> allowed_origins;
    // Null: plain ws://; set: wss:// with its current context.
    std::shared_ptr<TlsContextStore> tls;
};

// The close code and reason for a connection whose credential ran out.
inline constexpr std::uint16_t close_token_expired = 4001;
inline constexpr const char* close_token_expired_reason = "token expired";

}  // namespace mqttws::ws
