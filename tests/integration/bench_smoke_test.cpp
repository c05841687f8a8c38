// Smoke run of the load generator (bench/mwb-bench) against the real bridge and a real
// Mosquitto, so the tool cannot rot. It asserts only that the run finished and counted
// deliveries: never a rate, a latency or a CPU figure.

#include <string>

#include "harness/bridge_test.hpp"
#include "harness/child_process.hpp"
#include "harness/json_text.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

class BenchSmokeTest : public BridgeTest {
  protected:
    // Runs mwb-bench with `args` after the broker, PID and timing flags; returns its result.
    rapidjson::Document run_bench(const std::vector<std::string>& args) {
        std::vector<std::string> all = {"--mqtt",       broker().url(),
                                        "--bridge-pid", std::to_string(bridge().pid()),
                                        "--duration",   "2",
                                        "--warmup",     "0.5",
                                        "--drain",      "5"};
        all.insert(all.end(), args.begin(), args.end());
        ChildProcess bench(MWB_BENCH_BINARY, all, dir_.file("bench.out"), dir_.file("bench.err"));
        const auto status = bench.wait_exit(Deadline(std::chrono::seconds(120)));
        EXPECT_EQ(status, std::optional<int>(0)) << TextFile::read(dir_.file("bench.err"));
        return JsonText::parse(TextFile::read(dir_.file("bench.out")));
    }

    TempDir dir_{"mwb-bench-smoke"};
};

TEST_F(BenchSmokeTest, FanoutRunCountsDeliveriesAndReadsTheBridgesProcess) {
    start({"--threads", "2"});
    const auto result =
        run_bench({"--url", bridge().ws_uri("/ws/bench/%23"), "--clients", "20", "--rate", "100"});
    ASSERT_TRUE(result.IsObject());
    EXPECT_TRUE(result["ok"].GetBool());
    EXPECT_EQ(result["clients_connected"].GetUint64(), 20u);
    EXPECT_GT(result["deliveries"].GetUint64(), 0u);
    EXPECT_TRUE(result["bridge_pids_readable"].GetBool());
    EXPECT_TRUE(result.HasMember("latency_p99_us"));
}

TEST_F(BenchSmokeTest, TargetedRunReachesSessionsByUserProperty) {
    start({"--threads", "2"});
    const auto result = run_bench({"--scenario", "targeted", "--url", bridge().ws_uri("/ws"),
                                   "--clients", "20", "--rate", "100"});
    ASSERT_TRUE(result.IsObject());
    EXPECT_TRUE(result["ok"].GetBool());
    EXPECT_GT(result["deliveries"].GetUint64(), 0u);
}

TEST_F(BenchSmokeTest, ReplayRunGivesEveryClientEveryRetainedTopicOnce) {
    start({"--threads", "2"});
    const auto result = run_bench({"--scenario", "replay", "--retained-topics", "200", "--clients",
                                   "5", "--live-clients", "2", "--rate", "50", "--replay-timeout",
                                   "60", "--url", bridge().ws_uri("/ws/bench/retained/%23"),
                                   "--live-url", bridge().ws_uri("/ws/bench/live/%23")});
    ASSERT_TRUE(result.IsObject());
    EXPECT_TRUE(result["ok"].GetBool());
    EXPECT_EQ(result["replay_clients_done"].GetUint64(), 5u);
    EXPECT_EQ(result["replay_frames"].GetUint64(), 5u * 200u);
    EXPECT_EQ(result["replay_duplicates"].GetUint64(), 0u);
    EXPECT_TRUE(result.HasMember("bridge_rss_peak_kib"));
}

TEST_F(BenchSmokeTest, RecoveryRunGivesEveryClientWhatItMissed) {
    start({"--threads", "2", "--history", "100"});
    const auto result =
        run_bench({"--scenario", "recovery", "--clients", "20", "--recovery-topics", "2",
                   "--recovery-messages", "10", "--live-clients", "5", "--rate", "50",
                   "--replay-timeout", "60", "--url", bridge().ws_uri("/ws"), "--live-url",
                   bridge().ws_uri("/ws/bench/live/%23")});
    ASSERT_TRUE(result.IsObject());
    EXPECT_TRUE(result["ok"].GetBool());
    EXPECT_EQ(result["recovered_true"].GetUint64(), 20u);
    EXPECT_EQ(result["recovery_frames"].GetUint64(), 20u * 10u);
    EXPECT_TRUE(result.HasMember("history_bytes_per_message"));
}

}  // namespace
}  // namespace mwb::it
