// --auth jwt: HS256, RS256 and ES256 tokens minted at test time; bad signature, expired, wrong
// audience, a token choosing its own algorithm → 401; {sub} from the claims; an expiring
// token closes its open connection with 4001, one expiring after the clock's range never.

#include <chrono>
#include <string>

#include "harness/jwt_minter.hpp"
#include "harness/security_fixture.hpp"
#include "harness/test_pki.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

const std::string kSecret = "hs256-secret-" + std::to_string(::getpid()) + "-0123456789abcdef";

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string claims(const std::string& extra, std::int64_t exp_from_now = 3600) {
    return R"({"sub":"alice","aud":"bridge","exp":)" + std::to_string(now() + exp_from_now) +
           R"(,"subscribe":["sensors/{sub}/#"],"publish":["sensors/{sub}/cmd"])" + extra + "}";
}

class JwtAuthTest : public SecurityTest {
  protected:
    void start_hs256(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{
            "--auth",         "jwt",    "--jwt-secret-file", write_file("secret", kSecret + "\n"),
            "--jwt-audience", "bridge", "--subscribe",       "sensors/#"};
        args.insert(args.end(), extra.begin(), extra.end());
        start(args);
    }
    HttpResponse with_token(const std::string& target, const std::string& token) {
        return upgrade(target, {{"Authorization", "Bearer " + token}});
    }
};

TEST_F(JwtAuthTest, ValidHs256TokenConnectsAndOthersAre401) {
    start_hs256();
    const std::string good = JwtMinter::mint("HS256", kSecret, claims(""));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", good).status, 101);

    const std::string forged =
        JwtMinter::mint("HS256", "another-secret-of-the-same-length-xxxxxxxx", claims(""));
    const std::string expired = JwtMinter::mint("HS256", kSecret, claims("", -3600));
    const std::string wrong_audience = JwtMinter::mint(
        "HS256", kSecret,
        R"({"sub":"alice","aud":"other","exp":)" + std::to_string(now() + 3600) + "}");
    const std::string unsigned_token = JwtMinter::mint("none", "", claims(""));
    // The right signature on a changed payload.
    std::string tampered = good;
    tampered[tampered.find('.') + 5] ^= 1;
    for (const std::string& token : {forged, expired, wrong_audience, unsigned_token, tampered}) {
        const HttpResponse response = with_token("/ws/sensors/alice/%23", token);
        EXPECT_EQ(response.status, 401) << response.describe();
        EXPECT_EQ(response.body, "unauthorized\n");
    }
    EXPECT_EQ(upgrade("/ws/sensors/alice/%23").status, 401);
    expect_log_free_of({kSecret, good, forged, expired});
}

TEST_F(JwtAuthTest, SubjectLimitsWhatTheTokenReaches) {
    start_hs256();
    const std::string alice = JwtMinter::mint("HS256", kSecret, claims(""));
    EXPECT_EQ(with_token("/ws/sensors/bob/%23", alice).status, 403);
    WsConnection& client = connect("/ws/sensors/alice/%23?access_token=" + alice);
    publish_topics({"sensors/bob/t", "sensors/alice/t"});
    EXPECT_TRUE(ReceivesTexts(client, {"sensors/alice/t"}));

    // A subject that would widen "sensors/{sub}/#" is refused outright.
    const std::string plus =
        JwtMinter::mint("HS256", kSecret,
                        R"({"sub":"+","aud":"bridge","subscribe":["sensors/{sub}/#"],"exp":)" +
                            std::to_string(now() + 3600) + "}");
    EXPECT_EQ(with_token("/ws/sensors/x/%23", plus).status, 401);
    expect_log_free_of({kSecret, alice});
}

TEST_F(JwtAuthTest, ExpiryClosesAnOpenConnectionWith4001) {
    start_hs256({"--jwt-leeway", "0s"});
    const std::string short_lived = JwtMinter::mint("HS256", kSecret, claims("", 2));
    WsConnection& client = connect("/ws/sensors/alice/%23?access_token=" + short_lived);
    ASSERT_TRUE(client.wait_closed(std::chrono::seconds(20))) << client.describe();
    EXPECT_EQ(client.remote_close_code(), 4001) << client.describe();
    EXPECT_EQ(client.remote_close_reason(), "token expired");
}

// 20000000000 s after the epoch is in the year 2603, later than system_clock's nanoseconds
// reach (2262): the expiry saturates instead of wrapping round into the past.
TEST_F(JwtAuthTest, ExpiryBeyondTheClockRangeKeepsTheConnectionOpen) {
    start_hs256();
    const std::string distant = JwtMinter::mint(
        "HS256", kSecret,
        R"({"sub":"alice","aud":"bridge","exp":20000000000,"subscribe":["sensors/{sub}/#"]})");
    WsConnection& client = connect("/ws/sensors/alice/%23?access_token=" + distant);
    publish_topics({"sensors/alice/t"});
    EXPECT_TRUE(ReceivesTexts(client, {"sensors/alice/t"}));
    EXPECT_EQ(client.state(), WsConnection::State::open) << client.describe();
    EXPECT_NE(client.remote_close_code(), 4001) << client.describe();
}

TEST_F(JwtAuthTest, Rs256WithAPublicKeyAndNoAlgorithmSwitch) {
    TestPki pki;
    pki.openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                 pki.file("jwt.key")});
    pki.openssl({"pkey", "-in", pki.file("jwt.key"), "-pubout", "-out", pki.file("jwt.pub")});
    start({"--auth", "jwt", "--jwt-public-key", pki.file("jwt.pub"), "--jwt-issuer",
           "https://issuer.test", "--subscribe", "sensors/#"});
    const std::string private_key = TextFile::read(pki.file("jwt.key"));
    const std::string public_key = TextFile::read(pki.file("jwt.pub"));
    const std::string good =
        JwtMinter::mint("RS256", private_key, claims(R"(,"iss":"https://issuer.test")"));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", good).status, 101);
    // HS256 "signed" with the public key: the classic algorithm confusion.
    const std::string confused =
        JwtMinter::mint("HS256", public_key, claims(R"(,"iss":"https://issuer.test")"));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", confused).status, 401);
    const std::string wrong_issuer =
        JwtMinter::mint("RS256", private_key, claims(R"(,"iss":"https://evil.test")"));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", wrong_issuer).status, 401);
    expect_log_free_of({good, confused});
}

TEST_F(JwtAuthTest, Es256WithAnEcPublicKeyRefusesOtherKeysAndAlgorithms) {
    TestPki pki;
    pki.openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                 pki.file("jwt.key")});
    pki.openssl({"pkey", "-in", pki.file("jwt.key"), "-pubout", "-out", pki.file("jwt.pub")});
    pki.openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                 pki.file("other.key")});
    start({"--auth", "jwt", "--jwt-public-key", pki.file("jwt.pub"), "--subscribe", "sensors/#"});
    const std::string private_key = TextFile::read(pki.file("jwt.key"));
    const std::string good = JwtMinter::mint("ES256", private_key, claims(""));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", good).status, 101);
    // {sub} holds for ES256 as for the other algorithms: bob's topics stay closed.
    EXPECT_EQ(with_token("/ws/sensors/bob/%23", good).status, 403);
    const std::string other_key =
        JwtMinter::mint("ES256", TextFile::read(pki.file("other.key")), claims(""));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", other_key).status, 401);
    const std::string confused =
        JwtMinter::mint("HS256", TextFile::read(pki.file("jwt.pub")), claims(""));
    EXPECT_EQ(with_token("/ws/sensors/alice/%23", confused).status, 401);
    expect_log_free_of({good, other_key, confused});
}

}  // namespace
}  // namespace mwb::it
