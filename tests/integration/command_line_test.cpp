// A bad flag or a bad value: exit code 2 and one line on stderr naming the flag.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "harness/bridge_process.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

struct BadCommandLine {
    std::string name;  // test name suffix
    std::vector<std::string> args;
    std::string flag;  // must appear on stderr
};

std::ostream& operator<<(std::ostream& out, const BadCommandLine& c) {
    out << c.name << ": ";
    for (const auto& a : c.args) out << a << ' ';
    return out;
}

class CommandLineTest : public ::testing::TestWithParam<BadCommandLine> {};

TEST_P(CommandLineTest, ExitsWithCode2AndOneLineNamingTheFlag) {
    const BadCommandLine& bad = GetParam();
    BridgeProcess::RunResult result =
        BridgeProcess::run_to_exit(bad.args, std::chrono::seconds(20));
    ASSERT_TRUE(result.wait_status.has_value())
        << "still running at the deadline (the command line was accepted); stderr:\n"
        << result.stderr_text;
    ASSERT_TRUE(WIFEXITED(*result.wait_status))
        << ChildProcess::describe_wait_status(*result.wait_status) << "; stderr:\n"
        << result.stderr_text;
    EXPECT_EQ(WEXITSTATUS(*result.wait_status), 2) << "stderr:\n" << result.stderr_text;
    const auto lines = TextFile::non_empty_lines(result.stderr_text);
    EXPECT_EQ(lines.size(), 1u) << "stderr:\n" << result.stderr_text;
    EXPECT_NE(result.stderr_text.find(bad.flag), std::string::npos)
        << "stderr names " << bad.flag << ":\n"
        << result.stderr_text;
}

INSTANTIATE_TEST_SUITE_P(
    BadFlagsAndValues, CommandLineTest,
    ::testing::Values(
        BadCommandLine{"UnknownFlag", {"--no-such-flag"}, "--no-such-flag"},
        BadCommandLine{"PayloadNonsense", {"--payload", "nonsense"}, "--payload"},
        BadCommandLine{"ThreadsZero", {"--threads", "0"}, "--threads"},
        BadCommandLine{"ThreadsNotANumber", {"--threads", "abc"}, "--threads"},
        BadCommandLine{"SendUnknown", {"--send", "everything"}, "--send"},
        BadCommandLine{"MqttVersionUnknown", {"--mqtt-version", "4"}, "--mqtt-version"},
        BadCommandLine{"SubscribeInvalidFilter", {"--subscribe", "a/#/b"}, "--subscribe"},
        BadCommandLine{"SubscribeInvalidQos", {"--subscribe", "a/b@3"}, "--subscribe"},
        BadCommandLine{
            "ConsoleDirWithoutIndex", {"--console-dir", "/nonexistent"}, "--console-dir"},
        BadCommandLine{
            "SubscribeShareGroupWildcard", {"--subscribe", "$share/g+/a"}, "--subscribe"},
        BadCommandLine{"SubscribeShareWithoutFilter", {"--subscribe", "$share/g"}, "--subscribe"},
        // Instance ids become session id prefixes and a reply topic level.
        BadCommandLine{"InstanceIdWithDot", {"--instance-id", "a.b"}, "--instance-id"},
        BadCommandLine{"InstanceIdWithSlash", {"--instance-id", "a/b"}, "--instance-id"},
        BadCommandLine{"InstanceIdWithHash", {"--instance-id", "a#"}, "--instance-id"},
        BadCommandLine{
            "InstanceIdTooLong", {"--instance-id", std::string(65, 'i')}, "--instance-id"},
        BadCommandLine{"LogFormatUnknown", {"--log-format", "xml"}, "--log-format"},
        BadCommandLine{"AdminTokenFileMissing",
                       {"--http-admin-token-file", "/nonexistent/mwb-admin-token"},
                       "--http-admin-token-file"},
        BadCommandLine{
            "AdminTokenWithSpace", {"--http-admin-token", "two words"}, "--http-admin-token"},
        // Sizes and durations go through the core's parsers, each flag with its own bounds.
        BadCommandLine{"SizeNotASize", {"--max-buffered-bytes", "lots"}, "--max-buffered-bytes"},
        BadCommandLine{"SizeZero", {"--max-message-size", "0"}, "--max-message-size"},
        BadCommandLine{"DurationNotADuration", {"--ping-interval", "soon"}, "--ping-interval"},
        BadCommandLine{"DurationZero", {"--pong-timeout", "0s"}, "--pong-timeout"},
        BadCommandLine{"LeewayOverAnHour", {"--jwt-leeway", "2h"}, "--jwt-leeway"},
        BadCommandLine{"ListenWithoutPort", {"--listen", "localhost"}, "--listen"},
        BadCommandLine{
            "OriginWithoutScheme", {"--allowed-origin", "app.example"}, "--allowed-origin"},
        BadCommandLine{"AuthUnknown", {"--auth", "basic"}, "--auth"},
        // Checks across flags.
        BadCommandLine{"ReconnectMaxBelowMin",
                       {"--mqtt-reconnect-min", "10s", "--mqtt-reconnect-max", "1s"},
                       "--mqtt-reconnect-max"},
        BadCommandLine{"PasswordAndFile",
                       {"--mqtt-password", "x", "--mqtt-password-file", "/nonexistent"},
                       "--mqtt-password-file"},
        BadCommandLine{"SessionExpiryWithoutStableId",
                       {"--mqtt-session-expiry", "1m"},
                       "--mqtt-session-expiry"},
        BadCommandLine{
            "ConfigFileMissing", {"--config", "/nonexistent/mwb.toml"}, "/nonexistent/mwb.toml"}),
    [](const ::testing::TestParamInfo<BadCommandLine>& info) { return info.param.name; });

TEST(CommandLine, HelpAndVersionExitZero) {
    for (const std::string flag : {"--help", "--version"}) {
        BridgeProcess::RunResult result =
            BridgeProcess::run_to_exit({flag}, std::chrono::seconds(20));
        ASSERT_TRUE(result.wait_status.has_value()) << flag << " did not exit";
        EXPECT_TRUE(WIFEXITED(*result.wait_status) && WEXITSTATUS(*result.wait_status) == 0)
            << flag << ": " << ChildProcess::describe_wait_status(*result.wait_status);
        EXPECT_FALSE(result.stdout_text.empty()) << flag << " prints to stdout";
    }
}

}  // namespace
}  // namespace mwb::it
