#include "bench_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mwb::bench {
namespace {

std::variant<BenchOptions, ParseExit> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "mwb-bench");
    return parse_bench_options(static_cast<int>(args.size()), args.data());
}

TEST(BenchOptions, DefaultsToFanoutOnTheBridgesDefaultPort) {
    const auto parsed = parse({});
    ASSERT_TRUE(std::holds_alternative<BenchOptions>(parsed));
    const auto& options = std::get<BenchOptions>(parsed);
    EXPECT_EQ(options.scenario, Scenario::Fanout);
    ASSERT_EQ(options.urls.size(), 1u);
    EXPECT_EQ(options.urls[0].port, 8080);
    EXPECT_EQ(options.urls[0].path, "/ws/bench/%23");
    EXPECT_EQ(options.mqtt.port, 1883);
}

TEST(BenchOptions, ReadsScenarioLoadAndRepeatedFlags) {
    const auto parsed =
        parse({"--scenario", "selective", "--clients", "10000", "--rate", "500", "--url",
               "ws://127.0.0.1:9001/ws/dev/{i}/%23", "--url", "ws://127.0.0.2:9002/ws/dev/{i}/%23",
               "--bridge-pid", "10", "--bridge-pid", "11", "--payload-size", "100"});
    ASSERT_TRUE(std::holds_alternative<BenchOptions>(parsed));
    const auto& options = std::get<BenchOptions>(parsed);
    EXPECT_EQ(options.scenario, Scenario::Selective);
    EXPECT_EQ(options.clients, 10000u);
    EXPECT_DOUBLE_EQ(options.rate, 500);
    ASSERT_EQ(options.urls.size(), 2u);
    EXPECT_EQ(options.urls[1].host, "127.0.0.2");
    EXPECT_EQ(options.bridge_pids, (std::vector<int>{10, 11}));
}

TEST(BenchOptions, ReplayDefaultsToAThousandClientsOnRetainedAndLiveUrls) {
    const auto parsed = parse({"--scenario", "replay", "--topic-prefix", "b"});
    ASSERT_TRUE(std::holds_alternative<BenchOptions>(parsed));
    const auto& options = std::get<BenchOptions>(parsed);
    EXPECT_EQ(options.scenario, Scenario::Replay);
    EXPECT_EQ(options.clients, 1000u);
    EXPECT_EQ(options.retained_topics, 100000u);
    EXPECT_EQ(options.live_clients, 100u);
    ASSERT_EQ(options.urls.size(), 1u);
    EXPECT_EQ(options.urls[0].path, "/ws/b/retained/%23");
    ASSERT_EQ(options.live_urls.size(), 1u);
    EXPECT_EQ(options.live_urls[0].path, "/ws/b/live/%23");
}

TEST(BenchOptions, ReplayTakesItsLoadAndUrls) {
    const auto parsed =
        parse({"--scenario", "replay", "--clients", "50", "--retained-topics", "10000",
               "--live-clients", "7", "--live-url", "ws://127.0.0.1:9001/ws/l/%23", "--url",
               "ws://127.0.0.1:9001/ws/r/%23", "--replay-timeout", "30"});
    ASSERT_TRUE(std::holds_alternative<BenchOptions>(parsed));
    const auto& options = std::get<BenchOptions>(parsed);
    EXPECT_EQ(options.clients, 50u);
    EXPECT_EQ(options.retained_topics, 10000u);
    EXPECT_EQ(options.live_clients, 7u);
    EXPECT_EQ(options.live_urls[0].port, 9001);
    EXPECT_EQ(options.urls[0].path, "/ws/r/%23");
    EXPECT_DOUBLE_EQ(options.replay_timeout_s, 30);
}

TEST(BenchOptions, RecoveryDefaultsToAThousandProtocolClientsWithFourTopicsEach) {
    const auto parsed = parse({"--scenario", "recovery", "--topic-prefix", "b"});
    ASSERT_TRUE(std::holds_alternative<BenchOptions>(parsed));
    const auto& options = std::get<BenchOptions>(parsed);
    EXPECT_EQ(options.scenario, Scenario::Recovery);
    EXPECT_EQ(options.clients, 1000u);
    EXPECT_EQ(options.recovery_topics, 4u);
    EXPECT_EQ(options.recovery_messages, 100u);
    EXPECT_EQ(options.live_clients, 100u);
    ASSERT_EQ(options.urls.size(), 1u);
    EXPECT_EQ(options.urls[0].path, "/ws");
    EXPECT_EQ(options.live_urls[0].path, "/ws/b/live/%23");
}

TEST(BenchOptions, RecoveryMessagesSpreadEvenlyOverTheTopics) {
    const auto parsed = parse({"--scenario", "recovery", "--clients", "20", "--recovery-topics",
                               "2", "--recovery-messages", "10"});
    ASSERT_TRUE(std::holds_alternative<BenchOptions>(parsed));
    EXPECT_EQ(std::get<BenchOptions>(parsed).recovery_messages, 10u);
    const auto uneven =
        parse({"--scenario", "recovery", "--recovery-topics", "3", "--recovery-messages", "10"});
    ASSERT_TRUE(std::holds_alternative<ParseExit>(uneven));
    EXPECT_EQ(std::get<ParseExit>(uneven).code, 2);
}

TEST(BenchOptions, RefusesNonLoopbackAndBadValuesWithExitCode2) {
    for (const auto& args :
         std::vector<std::vector<const char*>>{{"--url", "ws://192.168.1.1:8080/ws"},
                                               {"--url", "http://127.0.0.1:8080/ws"},
                                               {"--mqtt", "tcp://10.0.0.1:1883"},
                                               {"--scenario", "flood"},
                                               {"--clients", "0"},
                                               {"--native", "--scenario", "targeted"},
                                               {"--native", "--scenario", "replay"},
                                               {"--live-url", "ws://10.0.0.1:8080/ws"},
                                               {"--retained-topics", "0"}}) {
        const auto parsed = parse(args);
        ASSERT_TRUE(std::holds_alternative<ParseExit>(parsed)) << args[0];
        EXPECT_EQ(std::get<ParseExit>(parsed).code, 2) << args[0];
    }
}

TEST(BenchOptions, HelpExitsZero) {
    const auto parsed = parse({"--help"});
    ASSERT_TRUE(std::holds_alternative<ParseExit>(parsed));
    EXPECT_EQ(std::get<ParseExit>(parsed).code, 0);
    EXPECT_NE(std::get<ParseExit>(parsed).text.find("--scenario"), std::string::npos);
}

TEST(Endpoint, ParsesLoopbackUrls) {
    const auto ws = parse_endpoint("ws://localhost:1880/ws/bench", true);
    ASSERT_TRUE(ws);
    EXPECT_EQ(ws->host, "127.0.0.1");
    EXPECT_EQ(ws->port, 1880);
    EXPECT_EQ(ws->path, "/ws/bench");
    const auto mqtt = parse_endpoint("mqtt://127.0.0.9:1883", false);
    ASSERT_TRUE(mqtt);
    EXPECT_EQ(mqtt->path, "/");
    EXPECT_FALSE(parse_endpoint("ws://127.0.0.1/ws", true));
    EXPECT_FALSE(parse_endpoint("ws://127.0.0.1:70000/ws", true));
    EXPECT_FALSE(parse_endpoint("tcp://127.0.0.1:1883", true));
}

TEST(Endpoint, ClientPathFillsTheIndex) {
    EXPECT_EQ(client_path("/ws/dev/{i}/%23", 42), "/ws/dev/42/%23");
    EXPECT_EQ(client_path("/ws/{i}/{i}", 7), "/ws/7/7");
    EXPECT_EQ(client_path("/ws", 7), "/ws");
}

}  // namespace
}  // namespace mwb::bench
