// --http-admin-token / --http-admin-token-file: GET /metrics needs the Bearer token, /healthz
// stays open, and the token never reaches the log.
#include <string>

#include "harness/bridge_test.hpp"
#include "harness/http_client.hpp"
#include "harness/metrics_text.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

constexpr const char* kToken = "adm-7f3c9e1b2d5a4c86";

class AdminTokenTest : public BridgeTest {
  protected:
    HttpResponse metrics(const HttpClient::Headers& headers = {}) {
        return HttpClient::get(bridge().port(), "/metrics", headers);
    }

    void ExpectOnlyTheTokenOpensMetrics() {
        const HttpResponse none = metrics();
        EXPECT_EQ(none.status, 401) << none.describe();
        EXPECT_EQ(none.header("WWW-Authenticate").rfind("Bearer", 0), 0u) << none.describe();
        EXPECT_FALSE(MetricsText::sample(none.body, "mwb_clients")) << none.body;

        const HttpResponse wrong = metrics({{"Authorization", "Bearer adm-7f3c9e1b2d5a4c87"}});
        EXPECT_EQ(wrong.status, 401) << wrong.describe();
        const HttpResponse prefix = metrics({{"Authorization", "Bearer adm-7f3c"}});
        EXPECT_EQ(prefix.status, 401) << prefix.describe();
        const HttpResponse basic = metrics({{"Authorization", std::string("Basic ") + kToken}});
        EXPECT_EQ(basic.status, 401) << basic.describe();

        const HttpResponse right = metrics({{"Authorization", std::string("Bearer ") + kToken}});
        EXPECT_EQ(right.status, 200) << right.describe();
        EXPECT_TRUE(MetricsText::sample(right.body, "mwb_clients")) << right.body;

        const HttpResponse health = bridge().healthz();
        EXPECT_EQ(health.status, 200) << health.describe();
        EXPECT_EQ(bridge().log().find(kToken), std::string::npos) << "the token was logged";
    }
};

TEST_F(AdminTokenTest, TokenFlagProtectsMetrics) {
    start({"--http-admin-token", kToken});
    ExpectOnlyTheTokenOpensMetrics();
}

TEST_F(AdminTokenTest, TokenFileProtectsMetrics) {
    TempDir dir("mwb-admin-token");
    TextFile::write(dir.file("token"), std::string(kToken) + "\n");
    start({"--http-admin-token-file", dir.file("token").string()});
    ExpectOnlyTheTokenOpensMetrics();
}

TEST_F(AdminTokenTest, WithoutATokenMetricsAreOpen) {
    start();
    const HttpResponse open = metrics();
    EXPECT_EQ(open.status, 200) << open.describe();
}

}  // namespace
}  // namespace mwb::it
