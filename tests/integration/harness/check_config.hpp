// The bridge run to its exit without a broker: its exit code and output, and its
// --check-config output (the effective settings, as TOML).
#pragma once

#include <string>
#include <vector>

namespace mwb::it {

struct BridgeOutcome {
    int exit_code = -1;  // -1: killed, or still running at the deadline (the test has failed)
    std::string out;
    std::string err;
};

// Exactly `args`, with `environment` ("NAME=value") added.
BridgeOutcome run_bridge(const std::vector<std::string>& args,
                         const std::vector<std::string>& environment = {});

// --check-config and `args`; fails the current test unless it exits 0.
std::string effective_settings(const std::vector<std::string>& args,
                               const std::vector<std::string>& environment = {});

// The line "key = value" of effective_settings() ("" when missing).
std::string setting_line(const std::string& settings, const std::string& key);

}  // namespace mwb::it
