// Role: handshake (see handshake.hpp).
#include "ws/handshake.hpp"

#include <algorithm>

#include "mqttws/credential.hpp"
#include "mqttws/ws_target.hpp"

namespace mqttws::ws {

namespace {

Refusal refusal(RefusalKind kind, int status, std::string reason, std::string detail = {}) {
    return Refusal{kind, status, std::move(reason), std::move(detail)};
}

// The identity behind the request's credential; a Refusal when there is
// none or it is not valid. With --auth none, an identity-less admission.
std::variant<Refusal, std::optional<auth::Identity>> authenticate(const HandshakeRequest& request,
                                                                  const WsOptions& options) {
    const auth::Authenticator* authenticator = options.security.authenticator.get();
    if (!authenticator) return std::optional<auth::Identity>();
    const auto credential =
        find_credential(request.authorization, request.resource, request.subprotocols);
    std::string reason = "no credential";
    std::optional<auth::Identity> identity;
    if (credential) identity = authenticator->authenticate(*credential, reason);
    // The reason stays in our log; the client learns nothing but 401.
    if (!identity) return refusal(RefusalKind::unauthorized, 401, "unauthorized", reason);
    return identity;
}

}  // namespace

HandshakeResult decide_handshake(const HandshakeRequest& request, const WsOptions& options,
                                 bool draining) {
    if (draining) return refusal(RefusalKind::shutting_down, 503, drain_reason);
    if (!origin_allowed(request.origin, options.security.allowed_origins)) {
        return refusal(RefusalKind::origin, 403, "origin not allowed");
    }
    WsTargetResult target = parse_ws_target(request.resource, options.ws_path);
    if (target.status == WsTargetStatus::not_found) {
        return refusal(RefusalKind::not_found, 404, target.reason);
    }
    if (target.status == WsTargetStatus::bad_request) {
        return refusal(RefusalKind::bad_request, 400, target.reason);
    }
    auto identity = authenticate(request, options);
    if (auto* refused = std::get_if<Refusal>(&identity)) return std::move(*refused);
    Admission admission;
    admission.identity = std::get<std::optional<auth::Identity>>(std::move(identity));
    if (admission.identity) {
        for (const auto& filter : target.target.filters) {
            if (!may_subscribe(admission.identity->permissions, filter)) {
                return refusal(RefusalKind::forbidden, 403,
                               "not allowed to subscribe to '" + filter + "'");
            }
        }
    }
    if (target.target.filters.size() > options.max_subscriptions) {
        return refusal(
            RefusalKind::bad_request, 400,
            "too many topic filters (at most " + std::to_string(options.max_subscriptions) + ")");
    }
    admission.filters = std::move(target.target.filters);
    admission.protocol = std::find(request.subprotocols.begin(), request.subprotocols.end(),
                                   protocol_subprotocol) != request.subprotocols.end();
    return admission;
}

}  // namespace mqttws::ws
