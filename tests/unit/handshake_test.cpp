// decide_handshake: every refusal and what an admission carries, from the
// request alone (no connection, no socket).
#include "ws/handshake.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace mqttws::ws {
namespace {

// Accepts the credential "good" (subject "alice", may read a/#) and
// nothing else.
class FakeAuthenticator : public auth::Authenticator {
  public:
    std::optional<auth::Identity> authenticate(std::string_view credential,
                                               std::string& reason) const override {
        if (credential != "good") {
            reason = "wrong credential";
            return std::nullopt;
        }
        auth::Identity identity;
        identity.subject = "alice";
        identity.permissions.subscribe = {"a/#"};
        return identity;
    }
};

struct Request {
    std::string resource = "/ws/a/b";
    std::string origin;
    std::string authorization;
    std::vector<std::string> subprotocols;

    HandshakeResult decide(const WsOptions& options, bool draining = false) const {
        return decide_handshake({resource, origin, authorization, subprotocols}, options, draining);
    }
};

Refusal refused(const HandshakeResult& result) {
    EXPECT_TRUE(std::holds_alternative<Refusal>(result));
    return std::holds_alternative<Refusal>(result) ? std::get<Refusal>(result) : Refusal{};
}

Admission admitted(const HandshakeResult& result) {
    if (const auto* refusal = std::get_if<Refusal>(&result)) {
        ADD_FAILURE() << "refused " << refusal->status << ": " << refusal->reason;
        return {};
    }
    return std::get<Admission>(result);
}

TEST(Handshake, AdmitsAPlainClientWithTheFiltersOfItsPathAndQuery) {
    WsOptions options;
    Request request;
    request.resource = "/ws/a/%23?topic=b/%2B&topic=a/%23";
    const Admission admission = admitted(request.decide(options));
    EXPECT_EQ(admission.filters, (std::vector<std::string>{"a/#", "b/+"}));
    EXPECT_FALSE(admission.protocol);
    EXPECT_FALSE(admission.identity);
}

TEST(Handshake, TheSubprotocolSelectsProtocolMode) {
    WsOptions options;
    Request request;
    request.resource = "/ws";
    request.subprotocols = {"other", protocol_subprotocol};
    EXPECT_TRUE(admitted(request.decide(options)).protocol);
}

TEST(Handshake, RefusesWhileDraining) {
    WsOptions options;
    const Refusal refusal = refused(Request{}.decide(options, true));
    EXPECT_EQ(refusal.kind, RefusalKind::shutting_down);
    EXPECT_EQ(refusal.status, 503);
    EXPECT_EQ(refusal.reason, drain_reason);
}

TEST(Handshake, RefusesAnOriginNotAllowed) {
    WsOptions options;
    options.security.allowed_origins = {"https://app.example"};
    Request request;
    request.origin = "https://evil.example";
    EXPECT_EQ(refused(request.decide(options)).kind, RefusalKind::origin);
    request.origin = "https://app.example";
    admitted(request.decide(options));
    request.origin = "";  // not a browser
    admitted(request.decide(options));
}

TEST(Handshake, RefusesOtherPathsAndInvalidFilters) {
    WsOptions options;
    Request request;
    request.resource = "/elsewhere";
    EXPECT_EQ(refused(request.decide(options)).status, 404);
    request.resource = "/ws/a/%23/b";
    const Refusal bad = refused(request.decide(options));
    EXPECT_EQ(bad.kind, RefusalKind::bad_request);
    EXPECT_EQ(bad.status, 400);
}

TEST(Handshake, RefusesMoreFiltersThanAClientMayHold) {
    WsOptions options;
    options.max_subscriptions = 2;
    Request request;
    request.resource = "/ws?topic=a&topic=b&topic=c";
    const Refusal refusal = refused(request.decide(options));
    EXPECT_EQ(refusal.kind, RefusalKind::bad_request);
    EXPECT_NE(refusal.reason.find("at most 2"), std::string::npos);
}

TEST(Handshake, WithAuthAnIdentityIsRequiredAndLimitsTheFilters) {
    WsOptions options;
    options.security.authenticator = std::make_shared<FakeAuthenticator>();
    Request request;
    request.resource = "/ws/a/b";
    const Refusal none = refused(request.decide(options));
    EXPECT_EQ(none.kind, RefusalKind::unauthorized);
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.reason, "unauthorized");  // the client learns nothing more
    EXPECT_EQ(none.log_detail, "no credential");

    request.authorization = "Bearer bad";
    EXPECT_EQ(refused(request.decide(options)).log_detail, "wrong credential");

    request.authorization = "Bearer good";
    const Admission admission = admitted(request.decide(options));
    ASSERT_TRUE(admission.identity);
    EXPECT_EQ(admission.identity->subject, "alice");

    request.resource = "/ws/b/c";
    const Refusal forbidden = refused(request.decide(options));
    EXPECT_EQ(forbidden.kind, RefusalKind::forbidden);
    EXPECT_EQ(forbidden.status, 403);
    EXPECT_NE(forbidden.reason.find("b/c"), std::string::npos);
}

TEST(Handshake, TheCredentialMayComeFromTheQueryOrASubprotocol) {
    WsOptions options;
    options.security.authenticator = std::make_shared<FakeAuthenticator>();
    Request request;
    request.resource = "/ws/a/b?access_token=good";
    EXPECT_TRUE(admitted(request.decide(options)).identity);
    request.resource = "/ws/a/b";
    request.subprotocols = {"bearer.good", protocol_subprotocol};
    const Admission admission = admitted(request.decide(options));
    EXPECT_TRUE(admission.identity);
    EXPECT_TRUE(admission.protocol);
}

}  // namespace
}  // namespace mqttws::ws
