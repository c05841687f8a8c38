// The kinds of flag (text, list, count, size, duration, choice, switch): how
// each is added to CLI11 with its help, default, validator and typed target,
// how the config file may spell it, and how --check-config prints it. The
// flags themselves are in flag_table.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mqttws::app {

// What a config file's value must be for a flag of this kind.
enum class ValueKind {
    text,      // a string
    list,      // an array of strings, or one string
    count,     // an integer
    size,      // a string such as "64KiB", or an integer (bytes)
    duration,  // a string such as "30s"
    choice,    // a string among a few
    toggle,    // a boolean
};

struct FlagEntry {
    std::string key;  // the flag without "--": the config file's key
    ValueKind kind = ValueKind::text;
    bool secret = false;    // --check-config does not print it
    bool in_config = true;  // false: command line only (--config, --check-config)
    CLI::Option* option = nullptr;
    std::function<std::string()> show;  // the effective value, in TOML syntax
    // Lists: empties the value (CLI11 wants at least one input per option).
    std::function<void()> clear;
};

// "" when `text` is acceptable, else why not (CLI11 prefixes the flag).
using Check = std::function<std::string(const std::string& text)>;

class FlagBuilder {
  public:
    explicit FlagBuilder(CLI::App& app) : app_(app) {}

    // `default_text` empty: none (or computed: the help says how).
    CLI::Option* text(const std::string& flag, std::string& target, std::string default_text,
                      const std::string& help, Check check = nullptr);
    CLI::Option* list(const std::string& flag, std::vector<std::string>& target,
                      std::vector<std::string> default_values, const std::string& help,
                      Check check_each = nullptr);
    // `computed_default`: worked out at start, so --help shows none (the help text says how).
    template <typename T>
    CLI::Option* count(const std::string& flag, T& target, T default_value, T min, T max,
                       const std::string& help, bool computed_default = false);
    CLI::Option* size(const std::string& flag, std::uint64_t& target,
                      const std::string& default_text, const std::string& help);
    // Durations above `max` are refused; `positive`: 0 is refused too.
    template <typename Duration>
    CLI::Option* duration(const std::string& flag, Duration& target,
                          const std::string& default_text, const std::string& help, bool positive,
                          std::chrono::milliseconds max);
    template <typename T>
    CLI::Option* choice(const std::string& flag, T& target, const std::string& default_text,
                        std::vector<std::pair<std::string, T>> names, const std::string& help);
    CLI::Option* toggle(const std::string& flag, bool& target, const std::string& help);

    // The last flag added: mark it secret, or command line only.
    void secret() { entries_.back().secret = true; }
    void command_line_only() { entries_.back().in_config = false; }

    std::vector<FlagEntry> take_entries() { return std::move(entries_); }

  private:
    CLI::Option* add(const std::string& flag, ValueKind kind, CLI::Option* option,
                     std::function<std::string()> show);
    CLI::Option* add_duration(const std::string& flag, const std::string& default_text,
                              const std::string& help, bool positive, std::chrono::milliseconds max,
                              std::function<void(std::chrono::milliseconds)> store,
                              std::function<std::chrono::milliseconds()> load);

    CLI::App& app_;
    std::vector<FlagEntry> entries_;
};

// A whole number from `min` to `max`. CLI11 alone would take "-1" for an unsigned
// flag as its largest value.
CLI::Validator count_range(unsigned long long min, unsigned long long max);
// MWB_ and the flag's name in capitals, '-' as '_': --mqtt-url -> MWB_MQTT_URL.
std::string env_name(const std::string& flag);
// TOML syntax for --check-config.
std::string toml_string(const std::string& text);
// 90000ms -> "90s", 3600000ms -> "1h": what parse_duration reads back.
std::string duration_text(std::chrono::milliseconds duration);

template <typename T>
CLI::Option* FlagBuilder::count(const std::string& flag, T& target, T default_value, T min, T max,
                                const std::string& help, bool computed_default) {
    target = default_value;
    CLI::Option* option = app_.add_option(flag, target, help)->check(count_range(min, max));
    if (!computed_default) option->default_str(std::to_string(default_value));
    return add(flag, ValueKind::count, option, [&target] { return std::to_string(target); });
}

template <typename Duration>
CLI::Option* FlagBuilder::duration(const std::string& flag, Duration& target,
                                   const std::string& default_text, const std::string& help,
                                   bool positive, std::chrono::milliseconds max) {
    return add_duration(
        flag, default_text, help, positive, max,
        [&target](std::chrono::milliseconds value) {
            target = std::chrono::duration_cast<Duration>(value);
        },
        [&target] { return std::chrono::duration_cast<std::chrono::milliseconds>(target); });
}

template <typename T>
CLI::Option* FlagBuilder::choice(const std::string& flag, T& target,
                                 const std::string& default_text,
                                 std::vector<std::pair<std::string, T>> names,
                                 const std::string& help) {
    std::vector<std::string> keys;
    for (const auto& [name, value] : names) {
        keys.push_back(name);
        if (name == default_text) target = value;
    }
    CLI::Option* option = app_.add_option_function<std::string>(
                                  flag,
                                  [&target, names](const std::string& text) {
                                      for (const auto& [name, value] : names) {
                                          if (name == text) target = value;
                                      }
                                  },
                                  help)
                              ->check(CLI::IsMember(keys))
                              ->default_str(default_text);
    return add(flag, ValueKind::choice, option, [&target, names] {
        for (const auto& [name, value] : names) {
            if (value == target) return toml_string(name);
        }
        return std::string("\"\"");
    });
}

}  // namespace mqttws::app
