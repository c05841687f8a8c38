// Role: handshake. Decides a WebSocket upgrade from the request alone: a
// refusal (status, reason, which counter) or an admission (the filters, the
// mode, who the client is). Pure: no connection, no socket, no counters
// touched; the glue applies the answer (and --max-connections, which is
// shared by every shard).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/authenticator.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

// What the handshake reads of the request.
struct HandshakeRequest {
    std::string_view resource;  // path and query
    std::string_view origin;
    std::string_view authorization;
    const std::vector<std::string>& subprotocols;
};

enum class RefusalKind {
    shutting_down,
    origin,
    not_found,
    bad_request,
    unauthorized,
    forbidden,
    too_many_connections,  // decided by the glue, after an admission
    out_of_descriptors,    // decided by the glue: accepted on a reserved descriptor
};

struct Refusal {
    RefusalKind kind;
    int status;              // HTTP status
    std::string reason;      // the response body (one line)
    std::string log_detail;  // for our log only (e.g. why a credential failed)
};

struct Admission {
    std::vector<std::string> filters;  // from the path and ?topic=, valid and distinct
    bool protocol = false;             // the mqtt-ws-bridge.v1 subprotocol was asked for
    // Set with --auth token|jwt.
    std::optional<auth::Identity> identity;
};

using HandshakeResult = std::variant<Refusal, Admission>;

// `draining`: the instance is shutting down.
HandshakeResult decide_handshake(const HandshakeRequest& request, const WsOptions& options,
                                 bool draining);

}  // namespace mqttws::ws
