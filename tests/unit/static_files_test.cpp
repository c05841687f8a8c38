// The web console's in-memory files: request path -> file, Content-Type and
// the headers a static page needs; nothing outside the added names.
#include "mqttws/static_files.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace mqttws {
namespace {

std::string_view header(const StaticResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return {};
}

StaticFiles console_files() {
    StaticFiles files;
    EXPECT_TRUE(files.add("index.html", "<!doctype html>"));
    EXPECT_TRUE(files.add("client.js", "export class C {}"));
    EXPECT_TRUE(files.add("console.css", "body{}"));
    return files;
}

TEST(StaticFiles, ContentTypeByExtension) {
    EXPECT_EQ(StaticFiles::content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(StaticFiles::content_type_for("client.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(StaticFiles::content_type_for("console.css"), "text/css; charset=utf-8");
    EXPECT_EQ(StaticFiles::content_type_for("logo.svg"), "image/svg+xml");
    EXPECT_EQ(StaticFiles::content_type_for("shot.png"), "image/png");
    EXPECT_EQ(StaticFiles::content_type_for("notes.txt"), std::nullopt);
    EXPECT_EQ(StaticFiles::content_type_for("Makefile"), std::nullopt);
    EXPECT_EQ(StaticFiles::content_type_for(".js"), std::nullopt);
}

::testing::AssertionResult Serves(const StaticFiles& files, std::string_view path,
                                  std::string_view content, std::string_view type) {
    const StaticFile* file = files.find(path);
    if (!file) return ::testing::AssertionFailure() << path << " not found";
    if (file->content != content || file->content_type != type) {
        return ::testing::AssertionFailure()
               << path << ": '" << file->content << "' as " << file->content_type;
    }
    return ::testing::AssertionSuccess();
}

TEST(StaticFiles, RootIsTheIndexPage) {
    const StaticFiles files = console_files();
    EXPECT_TRUE(Serves(files, "/", "<!doctype html>", "text/html; charset=utf-8"));
    EXPECT_EQ(files.find("/index.html"), files.find("/"));
}

TEST(StaticFiles, FindsAddedFilesByExactName) {
    const StaticFiles files = console_files();
    EXPECT_TRUE(Serves(files, "/client.js", "export class C {}", "text/javascript; charset=utf-8"));
    EXPECT_TRUE(Serves(files, "/console.css", "body{}", "text/css; charset=utf-8"));
    EXPECT_EQ(files.find("/Client.js"), nullptr);
    EXPECT_EQ(files.find("/client.js/"), nullptr);
    EXPECT_EQ(files.find("client.js"), nullptr);
    EXPECT_EQ(files.find(""), nullptr);
    EXPECT_EQ(files.find("/missing.js"), nullptr);
}

TEST(StaticFiles, TraversalAttemptsMatchNothing) {
    const StaticFiles files = console_files();
    for (const char* path : {"/../client.js", "/./client.js", "//client.js", "/web/client.js",
                             "/%2e%2e/client.js", "/..", "/../../etc/passwd", "/client.js%00"}) {
        EXPECT_EQ(files.find(path), nullptr) << path;
        EXPECT_FALSE(files.respond("GET", path)) << path;
    }
}

TEST(StaticFiles, RefusesNamesThatAreNotPlainKnownFiles) {
    StaticFiles files;
    EXPECT_FALSE(files.add("../secret.js", "x"));
    EXPECT_FALSE(files.add("sub/page.html", "x"));
    EXPECT_FALSE(files.add(".hidden.js", "x"));
    EXPECT_FALSE(files.add("notes.txt", "x"));
    EXPECT_FALSE(files.add("", "x"));
    EXPECT_TRUE(files.empty());
}

TEST(StaticFiles, GetAnswersWithContentAndSecurityHeaders) {
    const StaticFiles files = console_files();
    const auto response = files.respond("GET", "/");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    ASSERT_NE(response->body, nullptr);
    EXPECT_EQ(*response->body, "<!doctype html>");
    EXPECT_EQ(header(*response, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(header(*response, "Cache-Control"), "no-cache");
    EXPECT_EQ(header(*response, "X-Content-Type-Options"), "nosniff");
    const std::string_view csp = header(*response, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string_view::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string_view::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self';"), std::string_view::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string_view::npos) << csp;
    EXPECT_EQ(header(*response, "Access-Control-Allow-Origin"), "");
}

TEST(StaticFiles, ScriptsMayBeImportedFromOtherOrigins) {
    const StaticFiles files = console_files();
    const auto response = files.respond("GET", "/client.js");
    ASSERT_TRUE(response);
    EXPECT_EQ(header(*response, "Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(header(*response, "Access-Control-Allow-Origin"), "*");
}

TEST(StaticFiles, OtherMethodsAreNotAllowed) {
    const StaticFiles files = console_files();
    const auto response = files.respond("POST", "/client.js");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 405);
    EXPECT_EQ(header(*response, "Allow"), "GET, HEAD");
    ASSERT_NE(response->body, nullptr);
    EXPECT_EQ(*response->body, "method not allowed\n");
}

TEST(StaticFiles, HeadIsAnsweredAsGet) {
    const StaticFiles files = console_files();
    const auto get = files.respond("GET", "/client.js");
    const auto head = files.respond("HEAD", "/client.js");
    ASSERT_TRUE(get && head);
    EXPECT_EQ(head->status, get->status);
    EXPECT_EQ(head->headers, get->headers);
    EXPECT_EQ(head->body, get->body);
}

TEST(StaticFiles, UnknownPathsAreLeftToTheCaller) {
    const StaticFiles files = console_files();
    EXPECT_FALSE(files.respond("GET", "/metrics"));
    EXPECT_FALSE(files.respond("GET", "/healthz"));
    EXPECT_FALSE(StaticFiles().respond("GET", "/"));
}

}  // namespace
}  // namespace mqttws
