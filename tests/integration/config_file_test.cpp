// --config FILE: TOML read with a real parser ('#' inside quotes is part of a filter), arrays for
// repeatable flags, the same effective settings as the equivalent flags (--check-config prints
// them), command line > MWB_* > file, and one line naming file, line and key for a bad file.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness/bridge_process.hpp"
#include "harness/bridge_test.hpp"
#include "harness/check_config.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

constexpr std::chrono::seconds kRun{20};

// Writes `content` as the config file in `dir`; its path.
std::string write_config(const TempDir& dir, const std::string& content) {
    TextFile::write(dir.file("bridge.toml"), content);
    return dir.file("bridge.toml").string();
}

class ConfigFile : public ::testing::Test {
  protected:
    std::string write(const std::string& content) { return write_config(dir_, content); }

  private:
    TempDir dir_{"mwb-config-file"};
};

TEST_F(ConfigFile, GivesTheSameSettingsAsTheFlags) {
    const std::string path = write(R"(# every kind of value
mqtt-url = "tcp://broker.example:1884"
listen = "127.0.0.1:9001"
subscribe = ["sensors/#@1", "alerts/+/high"]   # a comment after a value
allow-publish = ["app/#", "mqtt-ws-bridge/in/#"]
payload = "json"
send = "msg"
instance-id = "edge-1"
threads = 3
max-buffered-bytes = "2MiB"
max-message-size = 131072
ping-interval = "45s"
slow-client = "drop"
no-console = true
log-format = "json"
mqtt-password = "s3cret#not-a-comment"
events-topic = "bridge/events"
mqtt-session-expiry = "10m"
strip-prefix = "site/"
allowed-origin = "https://app.example"
)");
    const std::string from_file = effective_settings({"--config", path});
    const std::string from_flags = effective_settings({"--mqtt-url",
                                                       "tcp://broker.example:1884",
                                                       "--listen",
                                                       "127.0.0.1:9001",
                                                       "--subscribe",
                                                       "sensors/#@1",
                                                       "--subscribe",
                                                       "alerts/+/high",
                                                       "--allow-publish",
                                                       "app/#,mqtt-ws-bridge/in/#",
                                                       "--payload",
                                                       "json",
                                                       "--send",
                                                       "msg",
                                                       "--instance-id",
                                                       "edge-1",
                                                       "--threads",
                                                       "3",
                                                       "--max-buffered-bytes",
                                                       "2MiB",
                                                       "--max-message-size",
                                                       "128KiB",
                                                       "--ping-interval",
                                                       "45s",
                                                       "--slow-client",
                                                       "drop",
                                                       "--no-console",
                                                       "--log-format",
                                                       "json",
                                                       "--mqtt-password",
                                                       "s3cret#not-a-comment",
                                                       "--events-topic",
                                                       "bridge/events",
                                                       "--mqtt-session-expiry",
                                                       "600s",
                                                       "--strip-prefix",
                                                       "site/",
                                                       "--allowed-origin",
                                                       "https://app.example"});
    EXPECT_EQ(from_file, from_flags);
    EXPECT_EQ(setting_line(from_file, "subscribe"),
              R"(subscribe = ["sensors/#@1", "alerts/+/high"])");
    EXPECT_EQ(setting_line(from_file, "max-message-size"), "max-message-size = 131072");
    EXPECT_EQ(setting_line(from_file, "mqtt-session-expiry"), R"(mqtt-session-expiry = "10m")");
    EXPECT_EQ(setting_line(from_file, "no-console"), "no-console = true");
    EXPECT_EQ(from_file.find("s3cret"), std::string::npos) << "secrets are not printed:\n"
                                                           << from_file;
    EXPECT_NE(from_file, effective_settings({"--instance-id", "edge-1"}))
        << "the file changed nothing";
}

TEST_F(ConfigFile, CheckConfigOutputReadsBackAsTheSameSettings) {
    const std::string first = effective_settings(
        {"--config", write("subscribe = [\"a/#\", \"b/+/c@2\"]\nsend = \"msg\"\n"
                           "instance-id = \"x\"\nstrip-prefix = \"quote\\\"d/\"\n")});
    EXPECT_EQ(effective_settings({"--config", write(first)}), first);
}

TEST_F(ConfigFile, CommandLineBeatsEnvironmentWhichBeatsTheFile) {
    const std::string path =
        write("log-level = \"debug\"\nsend = \"msg\"\nws-path = \"/file\"\ninstance-id = \"f\"\n");
    const std::string settings = effective_settings({"--config", path, "--ws-path", "/flag"},
                                                    {"MWB_SEND=payload", "MWB_WS_PATH=/env"});
    EXPECT_EQ(setting_line(settings, "log-level"), R"(log-level = "debug")") << "from the file";
    EXPECT_EQ(setting_line(settings, "send"), R"(send = "payload")") << "the environment wins";
    EXPECT_EQ(setting_line(settings, "ws-path"), R"(ws-path = "/flag")") << "the command line wins";
}

TEST_F(ConfigFile, TheFileCanComeFromTheEnvironment) {
    const std::string settings =
        effective_settings({}, {"MWB_CONFIG=" + write("ws-path = \"/from-file\"\n")});
    EXPECT_EQ(setting_line(settings, "ws-path"), R"(ws-path = "/from-file")");
}

struct BadFile {
    std::string name;
    std::string content;  // the bad line is line 3
    std::string names;    // the line names this key or flag too
};

std::ostream& operator<<(std::ostream& out, const BadFile& bad) {
    return out << bad.name;
}

class BadConfigFile : public ConfigFile, public ::testing::WithParamInterface<BadFile> {};

TEST_P(BadConfigFile, ExitsWithCode2AndOneLineNamingFileLineAndKey) {
    const BadFile& bad = GetParam();
    const std::string path = write("# line 1\nws-path = \"/ws\"\n" + bad.content + "\n");
    BridgeProcess::RunResult result = BridgeProcess::run_to_exit({"--config", path}, kRun);
    ASSERT_TRUE(result.wait_status.has_value()) << "the file was accepted:\n" << result.stderr_text;
    ASSERT_TRUE(WIFEXITED(*result.wait_status)) << result.stderr_text;
    EXPECT_EQ(WEXITSTATUS(*result.wait_status), 2) << result.stderr_text;
    const auto lines = TextFile::non_empty_lines(result.stderr_text);
    ASSERT_EQ(lines.size(), 1u) << result.stderr_text;
    EXPECT_EQ(lines[0].rfind("mqtt-ws-bridge: " + path + ":3: ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find(bad.names), std::string::npos) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(
    UnknownIllTypedOrInvalid, BadConfigFile,
    ::testing::Values(
        BadFile{"UnknownKey", "subscirbe = \"a/#\"", "unknown key 'subscirbe'"},
        BadFile{"Section", "[mqtt]\nurl = \"tcp://x:1883\"", "'mqtt'"},
        BadFile{"StringForCount", "threads = \"four\"", "'threads' must be an integer"},
        BadFile{"NumberForString", "session-property = 12", "'session-property' must be a string"},
        BadFile{"StringForSwitch", "no-console = \"yes\"", "'no-console' must be true or false"},
        BadFile{"NumbersInAList", "subscribe = [1, 2]", "'subscribe' must be an array of strings"},
        BadFile{"SyntaxError", "subscribe = \"a/#", ""},
        BadFile{"InvalidChoice", "payload = \"nonsense\"", "'payload'"},
        BadFile{"InvalidFilter", "allow-publish = [\"a/#/b\"]", "'allow-publish'"},
        BadFile{"CountOutOfRange", "threads = 0", "'threads'"},
        BadFile{"CommandLineOnly", "check-config = true", "'check-config'"},
        // A check across flags names the file and line of the setting it refuses.
        BadFile{"ReconnectMaxBelowMin", "mqtt-reconnect-max = \"1ms\"", "--mqtt-reconnect-max"}),
    [](const ::testing::TestParamInfo<BadFile>& info) { return info.param.name; });

TEST(CheckConfig, WarnsWhenPlainClientsCannotPublishAndSaysWhatToAdd) {
    const BridgeOutcome refused = run_bridge({"--check-config"});
    EXPECT_EQ(refused.exit_code, 0) << refused.err;
    EXPECT_NE(refused.err.find("--inbound-topic"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("add --allow-publish 'mqtt-ws-bridge/in/+'"), std::string::npos)
        << refused.err;

    const BridgeOutcome allowed =
        run_bridge({"--check-config", "--allow-publish", "mqtt-ws-bridge/in/#"});
    EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
    EXPECT_EQ(allowed.err.find("--inbound-topic"), std::string::npos) << allowed.err;
}

// Against a real broker: the '#' in a quoted filter reaches the broker.
class ConfigFileDelivery : public BridgeTest {
  protected:
    std::string write(const std::string& content) { return write_config(dir_, content); }

  private:
    TempDir dir_{"mwb-config-delivery"};
};

TEST_F(ConfigFileDelivery, AQuotedFilterWithHashSubscribesToIt) {
    start({"--config", write("subscribe = \"cfgtest/#\"\n")});
    WsConnection& client = connect("/ws/cfgtest/%23");
    publisher().publish("cfgtest/a", "through the file");
    EXPECT_TRUE(ReceivesTexts(client, {"through the file"}));
}

TEST_F(ConfigFileDelivery, AnArrayOfFiltersSubscribesToEach) {
    start({"--config", write("subscribe = [\"cfgtest/#\", \"other/+/x\"]\n")});
    WsConnection& client = connect("/ws?topic=cfgtest/%23&topic=other/%2B/x");
    publisher().publish("cfgtest/a", "first");
    publisher().publish("other/b/x", "second");
    EXPECT_TRUE(ReceivesTexts(client, {"first", "second"}));
}

}  // namespace
}  // namespace mwb::it
