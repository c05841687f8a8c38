// HTTP as the bridge speaks it beside WebSocket: every answer (101, the plain endpoints, the
// refusals, websocketpp's own 400) names the server without a version; HEAD answers like GET
// without the body; an HTTP/1.0 request without Host is answered, as RFC 9112 allows.

#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {
namespace {

const std::string kAdminToken = "http-admin-token-0123456789";

class HttpProtocolTest : public BridgeTest {
  protected:
    // A complete request for HttpClient::exchange, closing after the answer.
    std::string request(const std::string& method, const std::string& target,
                        const HttpClient::Headers& extra = {}) {
        std::string text = method + " " + target +
                           " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(bridge().port()) +
                           "\r\n";
        for (const auto& [name, value] : extra) text += name + ": " + value + "\r\n";
        return text + "Connection: close\r\n\r\n";
    }
    HttpResponse upgrade(const std::string& target) {
        return HttpClient::get(bridge().port(), target, HttpClient::websocket_upgrade_headers());
    }
};

TEST_F(HttpProtocolTest, EveryAnswerNamesTheServerWithoutItsVersion) {
    start({"--http-admin-token", kAdminToken, "--max-connections", "1"});
    const std::uint16_t port = bridge().port();
    const HttpClient::Headers admin{{"Authorization", "Bearer " + kAdminToken}};
    // The one connection --max-connections allows stays open, so the next upgrade gets 503.
    RawWsSocket open(port);
    std::vector<std::tuple<std::string, int, HttpResponse>> answers;
    answers.emplace_back("handshake", 101, open.handshake("/ws/a"));
    answers.emplace_back("over --max-connections", 503, upgrade("/ws/a"));
    answers.emplace_back("invalid filter", 400, upgrade("/ws/a/%23/b"));
    answers.emplace_back("unknown WebSocket path", 404, upgrade("/nope"));
    answers.emplace_back("/healthz", 200, HttpClient::get(port, "/healthz"));
    answers.emplace_back("/metrics", 200, HttpClient::get(port, "/metrics", admin));
    answers.emplace_back("/metrics without token", 401, HttpClient::get(port, "/metrics"));
    answers.emplace_back("console", 200, HttpClient::get(port, "/"));
    answers.emplace_back(
        "console POST", 405,
        HttpClient::exchange(port, request("POST", "/", {{"Content-Length", "0"}})));
    answers.emplace_back("plain GET of the WebSocket path", 426, HttpClient::get(port, "/ws"));
    answers.emplace_back("unknown path", 404, HttpClient::get(port, "/nope"));
    // Refused by websocketpp's parser, before any handler of ours runs.
    answers.emplace_back("unparsable request", 400, HttpClient::exchange(port, "GET\r\n\r\n"));
    for (const auto& [what, status, response] : answers) {
        EXPECT_EQ(response.status, status) << what << ": " << response.describe();
        EXPECT_EQ(response.header("Server"), "mqtt-ws-bridge")
            << what << ": " << response.describe();
    }
}

TEST_F(HttpProtocolTest, HeadAnswersLikeGetWithoutTheBody) {
    start({"--http-admin-token", kAdminToken});
    const std::uint16_t port = bridge().port();
    const HttpClient::Headers admin{{"Authorization", "Bearer " + kAdminToken}};
    // The console's files do not change: the answers match to the byte count.
    for (const std::string target : {"/", "/client.js", "/console.css"}) {
        const HttpResponse get = HttpClient::exchange(port, request("GET", target));
        const HttpResponse head = HttpClient::exchange(port, request("HEAD", target));
        ASSERT_EQ(get.status, 200) << target << ": " << get.describe();
        EXPECT_EQ(head.status, 200) << target << ": " << head.describe();
        EXPECT_EQ(head.body, "") << target;
        EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size())) << target;
        for (const auto& [name, value] : get.headers) {
            EXPECT_EQ(head.header(name), value) << target << ": " << name;
        }
        EXPECT_EQ(head.headers.size(), get.headers.size()) << target;
    }
    // /healthz and /metrics say what is true now; the length of a GET body is announced.
    for (const auto& [target, headers, status] :
         {std::tuple{std::string("/healthz"), HttpClient::Headers{}, 200},
          std::tuple{std::string("/metrics"), admin, 200},
          std::tuple{std::string("/metrics"), HttpClient::Headers{}, 401}}) {
        const HttpResponse head = HttpClient::exchange(port, request("HEAD", target, headers));
        EXPECT_EQ(head.status, status) << target << ": " << head.describe();
        EXPECT_EQ(head.body, "") << target;
        EXPECT_GT(std::atol(head.header("Content-Length").c_str()), 0) << target;
        const HttpResponse get = HttpClient::exchange(port, request("GET", target, headers));
        EXPECT_EQ(head.header("Content-Type"), get.header("Content-Type")) << target;
        EXPECT_EQ(head.header("Cache-Control"), get.header("Cache-Control")) << target;
    }
}

TEST_F(HttpProtocolTest, Http10WithoutHostIsAnswered) {
    start();
    const std::uint16_t port = bridge().port();
    const HttpResponse health = HttpClient::exchange(port, "GET /healthz HTTP/1.0\r\n\r\n");
    EXPECT_EQ(health.status, 200) << health.describe();
    EXPECT_NE(health.body.find("\"mqtt\""), std::string::npos) << health.describe();
    const HttpResponse page = HttpClient::exchange(port, "GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(page.status, 200) << page.describe();
    EXPECT_NE(page.body.find("<title>mqtt-ws-bridge console</title>"), std::string::npos);
    const HttpResponse head = HttpClient::exchange(port, "HEAD /healthz HTTP/1.0\r\n\r\n");
    EXPECT_EQ(head.status, 200) << head.describe();
    EXPECT_EQ(head.body, "");
    // HTTP/1.1 makes Host mandatory (RFC 9112 section 3.2).
    EXPECT_EQ(HttpClient::exchange(port, "GET /healthz HTTP/1.1\r\n\r\n").status, 400);
}

}  // namespace
}  // namespace mwb::it
