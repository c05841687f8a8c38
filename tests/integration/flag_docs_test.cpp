// What documents the flags must agree with --help, which the flag table writes: the README's
// flag table and mqtt-ws-bridge.example.toml list every flag --help lists and no other, with the
// same defaults; the example as shipped changes nothing, and uncommented gives the defaults.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "harness/check_config.hpp"
#include "harness/temp_dir.hpp"
#include "harness/text_file.hpp"

namespace mwb::it {
namespace {

const std::string kSource = MWB_SOURCE_DIR;
const std::string kExample = kSource + "/mqtt-ws-bridge.example.toml";

// Flag -> the default --help shows (nullopt: none shown).
using Defaults = std::map<std::string, std::optional<std::string>>;

// CLI11 writes an option as "  --name TYPE[:{choices}][=DEFAULT][ ...] (Env:...)" on a line
// of its own when the name is long; descriptions are indented further.
Defaults help_defaults() {
    const BridgeOutcome help = run_bridge({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    static const std::regex option(R"(^  (?:-h,)?(--[a-z0-9-]+)(?: ([^ (][^ ]*))?)");
    Defaults defaults;
    for (const auto& line : TextFile::non_empty_lines(help.out)) {
        std::smatch match;
        if (!std::regex_search(line, match, option)) continue;
        std::optional<std::string> shown;
        const std::string type = match[2].str();
        const auto choices = type.find(":{");
        const auto equals =
            type.find('=', choices == std::string::npos ? 0 : type.find('}', choices));
        if (equals != std::string::npos) shown = type.substr(equals + 1);
        defaults[match[1].str()] = shown;
    }
    return defaults;
}

std::vector<std::string> all_matches(const std::string& text, const std::regex& pattern) {
    std::vector<std::string> found;
    for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
        found.push_back((*it)[1].str());
    }
    return found;
}

std::vector<std::string> cells(const std::string& row) {
    std::vector<std::string> out;
    std::string cell;
    for (std::size_t i = 1; i < row.size(); ++i) {
        if (row[i] == '|') {
            out.push_back(cell);
            cell.clear();
        } else {
            cell += row[i];
        }
    }
    return out;
}

TEST(FlagDocs, TheReadmeFlagTableListsEveryFlagOfHelpWithItsDefault) {
    const Defaults help = help_defaults();
    ASSERT_GT(help.size(), 40u) << "--help was not understood";
    const std::string readme = TextFile::read(kSource + "/README.md");
    const auto begin = readme.find("\n## Flags");
    ASSERT_NE(begin, std::string::npos);
    const std::string section = readme.substr(begin, readme.find("\n## ", begin + 1) - begin);

    static const std::regex flag_name("`(--[a-z0-9-]+)");
    static const std::regex literal("`([^`]*)`");
    std::set<std::string> in_readme;
    for (const auto& row : TextFile::non_empty_lines(section)) {
        if (row.rfind("| `-", 0) != 0) continue;
        const auto columns = cells(row);
        ASSERT_GE(columns.size(), 2u) << row;
        const auto flags = all_matches(columns[0], flag_name);
        const auto defaults = all_matches(columns[1], literal);
        for (std::size_t i = 0; i < flags.size(); ++i) {
            in_readme.insert(flags[i]);
            const auto shown = help.find(flags[i]);
            if (shown == help.end() || !shown->second) continue;
            ASSERT_EQ(defaults.size(), flags.size()) << "one default per flag: " << row;
            EXPECT_EQ(defaults[i], *shown->second) << flags[i] << " in: " << row;
        }
    }
    for (const auto& [flag, shown] : help) {
        EXPECT_TRUE(in_readme.count(flag)) << flag << " is in --help but not in the README table";
    }
    for (const auto& flag : in_readme) {
        EXPECT_TRUE(help.count(flag)) << flag << " is in the README table but not in --help";
    }
}

// Each "# key = value" line of the example: key -> value.
std::map<std::string, std::string> example_settings() {
    static const std::regex setting(R"(^# ([a-z0-9-]+) = (.*)$)");
    std::map<std::string, std::string> settings;
    for (const auto& line : TextFile::non_empty_lines(TextFile::read(kExample))) {
        std::smatch match;
        if (std::regex_match(line, match, setting)) settings[match[1]] = match[2];
    }
    return settings;
}

TEST(FlagDocs, TheExampleConfigListsEveryFlagWithItsDefault) {
    const Defaults help = help_defaults();
    const auto example = example_settings();
    const std::set<std::string> command_line_only{"--help", "--version", "--config",
                                                  "--check-config"};
    for (const auto& [flag, shown] : help) {
        const std::string key = flag.substr(2);
        if (command_line_only.count(flag)) {
            EXPECT_FALSE(example.count(key)) << key << " is for the command line only";
            continue;
        }
        const auto value = example.find(key);
        if (value == example.end()) {
            ADD_FAILURE() << key << " is in --help but not in the example";
            continue;
        }
        if (!shown) continue;
        std::string bare;
        for (const char c : value->second) {
            if (c != '"' && c != '[' && c != ']') bare += c;
        }
        EXPECT_EQ(bare, *shown) << key << " = " << value->second;
    }
    for (const auto& [key, value] : example) {
        EXPECT_TRUE(help.count("--" + key)) << key << " is in the example but not in --help";
    }
    for (const auto& line : TextFile::non_empty_lines(TextFile::read(kExample))) {
        EXPECT_EQ(line.front(), '#') << "as shipped, everything is commented out: " << line;
    }
}

TEST(FlagDocs, TheExampleConfigAsShippedChangesNothing) {
    EXPECT_EQ(effective_settings({"--instance-id", "x", "--config", kExample}),
              effective_settings({"--instance-id", "x"}));
}

TEST(FlagDocs, TheExampleConfigUncommentedGivesTheDefaults) {
    // Settings with a default computed at start (threads) show an example value instead.
    const Defaults help = help_defaults();
    std::string uncommented;
    for (const auto& [key, value] : example_settings()) {
        const auto shown = help.find("--" + key);
        const bool has_default = shown != help.end() && shown->second;
        if (has_default || value == "\"\"" || value == "[]" || value == "false") {
            uncommented += key + " = " + value + "\n";
        }
    }
    TempDir dir("mwb-example-config");
    TextFile::write(dir.file("config.toml"), uncommented);
    EXPECT_EQ(
        effective_settings({"--instance-id", "x", "--config", dir.file("config.toml").string()}),
        effective_settings({"--instance-id", "x"}));
}

}  // namespace
}  // namespace mwb::it
