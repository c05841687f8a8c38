// The bridge run to its exit, and its --check-config output.
#include "harness/check_config.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>

#include "harness/bridge_process.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {

BridgeOutcome run_bridge(const std::vector<std::string>& args,
                         const std::vector<std::string>& environment) {
    BridgeProcess::RunResult result =
        BridgeProcess::run_exactly(args, std::chrono::seconds(20), environment);
    BridgeOutcome outcome;
    outcome.out = result.stdout_text;
    outcome.err = result.stderr_text;
    if (!result.wait_status || !WIFEXITED(*result.wait_status)) {
        ADD_FAILURE() << "the bridge did not exit with a code; stderr:\n" << result.stderr_text;
        return outcome;
    }
    outcome.exit_code = WEXITSTATUS(*result.wait_status);
    return outcome;
}

std::string effective_settings(const std::vector<std::string>& args,
                               const std::vector<std::string>& environment) {
    std::vector<std::string> full{"--check-config"};
    full.insert(full.end(), args.begin(), args.end());
    const BridgeOutcome outcome = run_bridge(full, environment);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return outcome.out;
}

std::string setting_line(const std::string& settings, const std::string& key) {
    for (const auto& line : TextFile::non_empty_lines(settings)) {
        if (line.compare(0, key.size() + 3, key + " = ") == 0) return line;
    }
    return "";
}

}  // namespace mwb::it
