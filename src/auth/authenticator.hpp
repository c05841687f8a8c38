// Turns a WebSocket client's credential into who it is and what it may do.
// Implementations are immutable after construction and called from every
// shard thread at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "mqttws/permissions.hpp"

namespace mqttws::auth {

struct Identity {
    std::string subject;      // the session's user; may be empty
    Permissions permissions;  // "{sub}" already expanded
    // The credential stops being valid then; the connection is closed.
    std::optional<std::chrono::system_clock::time_point> valid_until;
};

class Authenticator {
  public:
    virtual ~Authenticator() = default;
    // nullopt: refused. The reason is for the log and never names the credential.
    virtual std::optional<Identity> authenticate(std::string_view credential,
                                                 std::string& reason) const = 0;
};

}  // namespace mqttws::auth
