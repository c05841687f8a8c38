// TLS on both links, with certificates made by `openssl` at test time: wss:// verified by the
// client, client certificates with --tls-ca, SIGHUP reload without dropping open connections,
// and mqtts:// to a Mosquitto TLS listener that wants a client certificate and a password.

#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "harness/child_process.hpp"
#include "harness/loopback_port.hpp"
#include "harness/raw_ws_socket.hpp"
#include "harness/security_fixture.hpp"
#include "harness/test_pki.hpp"
#include "harness/text_file.hpp"
#include "harness/wss_client.hpp"

namespace mwb::it {
namespace {

class TlsTest : public SecurityTest {
  protected:
    // A wss:// bridge answers no plain HTTP probe: wait for the port, then for the broker.
    void start_tls_bridge(const std::vector<std::string>& args) {
        start_broker();
        start_bridge(args, BridgeProcess::WaitFor::accepting);
        wait_subscribed();
        start_publisher();
    }
    // A bridge serving wss:// with a certificate for `common_name`, subscribed to t/#.
    void start_serving(const TestPki& pki, const std::string& common_name) {
        pki.issue("server", common_name);
        start_tls_bridge({"--tls-cert", pki.cert_file("server"), "--tls-key",
                          pki.key_file("server"), "--subscribe", "t/#"});
    }
    void wait_subscribed() {
        ASSERT_TRUE(Deadline(std::chrono::seconds(30)).poll_until([&] {
            return bridge().log().find("mqtt: subscribed") != std::string::npos;
        })) << bridge().log_tail();
    }

    // Connects a verifying wss client to `resource` and expects 101.
    std::unique_ptr<WssClient> open_wss(const std::string& resource, WssClient::Options options) {
        auto client = std::make_unique<WssClient>(bridge().port(), std::move(options));
        const std::string error = client->connect_tls();
        EXPECT_EQ(error, "");
        if (!error.empty()) return nullptr;
        const HttpResponse response = client->upgrade(resource);
        EXPECT_EQ(response.status, 101) << response.describe();
        return response.status == 101 ? std::move(client) : nullptr;
    }

    static ::testing::AssertionResult ReceivesText(WssClient& client, const std::string& text) {
        const std::optional<RawFrame> frame = client.read_frame(std::chrono::seconds(20));
        if (!frame) return ::testing::AssertionFailure() << "no frame for '" << text << "'";
        if (frame->opcode != RawFrame::kText || frame->payload != text) {
            return ::testing::AssertionFailure()
                   << "expected '" << text << "', got " << frame->describe();
        }
        return ::testing::AssertionSuccess();
    }
};

TEST_F(TlsTest, WssServesAVerifiedCertificate) {
    TestPki pki;
    start_serving(pki, "first");
    auto client = open_wss("/ws/t/%23", {pki.ca_file(), "", ""});
    ASSERT_TRUE(client);
    EXPECT_EQ(client->peer_common_name(), "first");
    publish_topics({"t/1"});
    EXPECT_TRUE(ReceivesText(*client, "t/1"));

    // A client trusting another CA refuses the bridge.
    TestPki other;
    WssClient stranger(bridge().port(), {other.ca_file(), "", ""});
    EXPECT_NE(stranger.connect_tls(), "");
}

// The TLS handshake is part of the WebSocket handshake: --handshake-timeout bounds it, not
// websocketpp's fixed 5 s. A client that connects and never says hello is kept for the configured
// time (past those 5 s), and then dropped.
TEST_F(TlsTest, TlsHandshakeHonoursHandshakeTimeout) {
    TestPki pki;
    pki.issue("server", "localhost");
    start_tls_bridge({"--tls-cert", pki.cert_file("server"), "--tls-key", pki.key_file("server"),
                      "--handshake-timeout", "12s"});
    RawWsSocket silent(bridge().port());
    EXPECT_FALSE(silent.wait_peer_closed(std::chrono::seconds(8)))
        << "dropped before --handshake-timeout; " << bridge().log_tail();
    EXPECT_TRUE(silent.wait_peer_closed(std::chrono::seconds(60)))
        << "kept past --handshake-timeout; " << bridge().log_tail();
}

TEST_F(TlsTest, SighupReloadKeepsOpenConnectionsAndServesTheNewCertificate) {
    TestPki pki;
    start_serving(pki, "first");
    auto before = open_wss("/ws/t/%23", {pki.ca_file(), "", ""});
    ASSERT_TRUE(before);

    pki.issue("server", "second");  // overwrites the files the bridge was started with
    bridge().send_signal(SIGHUP);
    ASSERT_TRUE(Deadline(std::chrono::seconds(20)).poll_until([&] {
        return bridge().log().find("TLS certificate reloaded") != std::string::npos;
    }));
    auto after = open_wss("/ws/t/%23", {pki.ca_file(), "", ""});
    ASSERT_TRUE(after);
    EXPECT_EQ(after->peer_common_name(), "second");

    // An unreadable certificate is logged and the current one stays.
    TextFile::write(pki.cert_file("server"), "not a certificate\n");
    bridge().send_signal(SIGHUP);
    ASSERT_TRUE(Deadline(std::chrono::seconds(20)).poll_until([&] {
        return bridge().log().find("keeping the current TLS certificate") != std::string::npos;
    }));
    auto still = open_wss("/ws/t/%23", {pki.ca_file(), "", ""});
    ASSERT_TRUE(still);
    EXPECT_EQ(still->peer_common_name(), "second");

    publish_topics({"t/1"});
    EXPECT_TRUE(ReceivesText(*before, "t/1")) << "the connection from before the reload is open";
    EXPECT_TRUE(ReceivesText(*after, "t/1"));
    EXPECT_TRUE(bridge().running());
}

TEST_F(TlsTest, TlsCaRequiresAClientCertificate) {
    TestPki pki;
    pki.issue("server", "server");
    pki.issue("client", "client-1", /*server=*/false);
    start_tls_bridge({"--tls-cert", pki.cert_file("server"), "--tls-key", pki.key_file("server"),
                      "--tls-ca", pki.ca_file()});
    auto with_cert =
        open_wss("/ws", {pki.ca_file(), pki.cert_file("client"), pki.key_file("client")});
    EXPECT_TRUE(with_cert);

    // Without a certificate the server ends the handshake (TLS 1.3 may report it on the first
    // read instead of in the handshake).
    WssClient without(bridge().port(), {pki.ca_file(), "", ""});
    const std::string error = without.connect_tls();
    if (error.empty()) {
        const HttpResponse response = without.upgrade("/ws");
        EXPECT_NE(response.status, 101) << response.describe();
    }
}

TEST_F(TlsTest, CertificateWithoutKeyExits2NamingTheFlag) {
    const auto result =
        BridgeProcess::run_to_exit({"--tls-cert", "/nonexistent.pem"}, std::chrono::seconds(20));
    ASSERT_TRUE(result.wait_status);
    EXPECT_TRUE(WIFEXITED(*result.wait_status) && WEXITSTATUS(*result.wait_status) == 2);
    EXPECT_NE(result.stderr_text.find("--tls-key"), std::string::npos) << result.stderr_text;
    EXPECT_EQ(std::count(result.stderr_text.begin(), result.stderr_text.end(), '\n'), 1);
}

TEST_F(TlsTest, MqttsWithClientCertificateAndPassword) {
    TestPki pki;
    pki.issue("broker", "broker");
    pki.issue("bridge", "bridge", /*server=*/false);
    const std::string password = "mqtt-pass-" + std::to_string(::getpid()) + "-Hq2";
    const std::string password_file = write_file("mosquitto.passwd", "");
    {
        ChildProcess passwd("/usr/bin/mosquitto_passwd", {"-b", password_file, "bridge", password},
                            dir_.file("passwd.out"));
        const auto status = passwd.wait_exit(std::chrono::seconds(20));
        ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
            << TextFile::read(dir_.file("passwd.out"));
    }
    std::filesystem::permissions(
        password_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const std::uint16_t tls_port = LoopbackPort::find_free();
    start_broker("listener " + std::to_string(tls_port) + " 127.0.0.1\n" +
                 "allow_anonymous false\n" + "password_file " + password_file + "\n" + "cafile " +
                 pki.ca_file() + "\n" + "certfile " + pki.cert_file("broker") + "\n" + "keyfile " +
                 pki.key_file("broker") + "\n" + "require_certificate true\n");
    start_bridge({"--mqtt-url", "mqtts://localhost:" + std::to_string(tls_port), "--mqtt-ca",
                  pki.ca_file(), "--mqtt-cert", pki.cert_file("bridge"), "--mqtt-key",
                  pki.key_file("bridge"), "--mqtt-username", "bridge", "--mqtt-password-file",
                  write_file("bridge.passwd", password + "\n"), "--subscribe", "t/#"});
    start_publisher();
    WsConnection& client = connect("/ws/t/%23");
    publish_topics({"t/1"});
    EXPECT_TRUE(ReceivesTexts(client, {"t/1"}));
    expect_log_free_of({password});
}

}  // namespace
}  // namespace mwb::it
