// The web console's files over HTTP: served at / by default (from the source
// tree's web/ for a binary in its build folder), from --console-dir when
// given, and not at all with --no-console.

#include <string>

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
    EXPECT_NE(page.header("Content-Security-Policy").find("connect-src 'self' ws: wss:"),
              std::string::npos)
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
