// The web console's files over HTTP: served at / by default (from the source
// tree's web/ for a binary in its build folder), from --console-dir when
// given, and not at all with --no-console.

#include <algorithm>
#include <string>
#include <vector>

#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

class ConsoleTest : public BridgeTest {};

TEST_F(ConsoleTest, ServesThePageAndItsScriptsWithTypesAndSecurityHeaders) {
    start();
    const HttpResponse page = HttpClient::get(bridge().port(), "/");
    ASSERT_EQ(page.status, 200) << page.describe();
    EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("<title>mqtt-ws-bridge console</title>"), std::string::npos);
    EXPECT_EQ(page.header("Cache-Control"), "no-cache");
    EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(page.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos)
        << page.describe();

    for (const char* script : {"/client.js", "/console.js", "/console-model.js"}) {
        const HttpResponse js = HttpClient::get(bridge().port(), script);
        EXPECT_EQ(js.status, 200) << script << ": " << js.describe();
        EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8") << script;
    }
    const HttpResponse css = HttpClient::get(bridge().port(), "/console.css");
    EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8") << css.describe();
    // The query is not part of the path; anything but the known names is not found.
    EXPECT_EQ(HttpClient::get(bridge().port(), "/?topic=a/%23").status, 200);
    EXPECT_EQ(HttpClient::get(bridge().port(), "/../CMakeLists.txt").status, 404);
    EXPECT_NE(bridge().log().find("web console: served at / from"), std::string::npos)
        << bridge().log_tail();
}

// The page's ?ws= names the WebSocket to open; whatever it says, the browser lets the page
// connect to its own origin only, so a link to the bridge cannot make it talk to another host.
TEST_F(ConsoleTest, EveryConsoleFileConfinesConnectionsToItsOwnOrigin) {
    start();
    for (const char* file : {"/", "/?ws=@127.0.0.1:1/ws", "/console.js", "/client.js",
                             "/console-model.js", "/console.css"}) {
        const HttpResponse response = HttpClient::get(bridge().port(), file);
        ASSERT_EQ(response.status, 200) << file << ": " << response.describe();
        const std::string policy = response.header("Content-Security-Policy");
        std::vector<std::string> directives;
        for (std::size_t begin = 0; begin < policy.size();) {
            const std::size_t end = std::min(policy.find(';', begin), policy.size());
            const std::size_t first = policy.find_first_not_of(' ', begin);
            if (first < end) directives.push_back(policy.substr(first, end - first));
            begin = end + 1;
        }
        auto directive = [&](const std::string& name) {
            for (const std::string& d : directives) {
                if (d.rfind(name + " ", 0) == 0) return d;
            }
            return std::string();
        };
        EXPECT_EQ(directive("connect-src"), "connect-src 'self'") << file << ": " << policy;
        EXPECT_EQ(directive("default-src"), "default-src 'none'") << file << ": " << policy;
        EXPECT_EQ(directive("script-src"), "script-src 'self'") << file << ": " << policy;
        EXPECT_EQ(directive("base-uri"), "base-uri 'none'") << file << ": " << policy;
        EXPECT_EQ(directive("frame-ancestors"), "frame-ancestors 'none'") << file << ": " << policy;
    }
}

TEST_F(ConsoleTest, NoConsoleAnswers404AndSaysSo) {
    start({"--no-console"});
    EXPECT_EQ(HttpClient::get(bridge().port(), "/").status, 404);
    EXPECT_EQ(HttpClient::get(bridge().port(), "/client.js").status, 404);
    EXPECT_EQ(bridge().healthz().status, 200);
    EXPECT_NE(bridge().log().find("web console: off (--no-console)"), std::string::npos)
        << bridge().log_tail();
}

TEST_F(ConsoleTest, ConsoleDirServesOnlyKnownKindsOfFilesFromThatFolder) {
    TempDir dir("mwb-console");
    TextFile::write(dir.file("index.html"), "<p>my console</p>");
    TextFile::write(dir.file("app.js"), "export {};");
    TextFile::write(dir.file("notes.txt"), "not served");
    start({"--console-dir", dir.path().string()});
    const HttpResponse page = HttpClient::get(bridge().port(), "/");
    EXPECT_EQ(page.body, "<p>my console</p>") << page.describe();
    EXPECT_EQ(HttpClient::get(bridge().port(), "/app.js").status, 200);
    EXPECT_EQ(HttpClient::get(bridge().port(), "/notes.txt").status, 404);
    EXPECT_EQ(HttpClient::get(bridge().port(), "/client.js").status, 404);
}

}  // namespace
}  // namespace mwb::it
