// The kinds of flag: how each is added to CLI11, checked and printed.
#include "app/flag_kinds.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "mqttws/units.hpp"

namespace mqttws::app {

namespace {

// A CLI11 validator that leaves the value as it is.
CLI::Validator validator(Check check) {
    return CLI::Validator([check = std::move(check)](std::string& text) { return check(text); },
                          "");
}

std::string toml_array(const std::vector<std::string>& values) {
    std::string out = "[";
    for (const auto& value : values) {
        if (out.size() > 1) out += ", ";
        out += toml_string(value);
    }
    return out + "]";
}

std::string join(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& value : values) out += (out.empty() ? "" : ",") + value;
    return out;
}

}  // namespace

CLI::Validator count_range(unsigned long long min, unsigned long long max) {
    return validator([min, max](const std::string& text) {
        unsigned long long value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size()) {
            return "'" + text + "' is not a whole number";
        }
        if (value < min) return "must be at least " + std::to_string(min);
        if (value > max) return "must be at most " + std::to_string(max);
        return std::string();
    });
}

std::string env_name(const std::string& flag) {
    std::string name = "MWB_";
    for (char c : flag.substr(2)) {
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

std::string toml_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string duration_text(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
    if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

CLI::Option* FlagBuilder::add(const std::string& flag, ValueKind kind, CLI::Option* option,
                              std::function<std::string()> show) {
    option->envname(env_name(flag));
    FlagEntry entry;
    entry.key = flag.substr(2);
    entry.kind = kind;
    entry.option = option;
    entry.show = std::move(show);
    entries_.push_back(std::move(entry));
    return option;
}

CLI::Option* FlagBuilder::text(const std::string& flag, std::string& target,
                               std::string default_text, const std::string& help, Check check) {
    target = default_text;
    CLI::Option* option = app_.add_option(flag, target, help);
    if (!default_text.empty()) option->default_str(default_text);
    if (check) option->check(validator(std::move(check)));
    return add(flag, ValueKind::text, option, [&target] { return toml_string(target); });
}

CLI::Option* FlagBuilder::list(const std::string& flag, std::vector<std::string>& target,
                               std::vector<std::string> default_values, const std::string& help,
                               Check check_each) {
    target = default_values;
    CLI::Option* option = app_.add_option(flag, target, help)->delimiter(',');
    if (!default_values.empty()) option->default_str(join(default_values));
    if (check_each) option->check(validator(std::move(check_each)));
    add(flag, ValueKind::list, option, [&target] { return toml_array(target); });
    entries_.back().clear = [&target] { target.clear(); };
    return option;
}

CLI::Option* FlagBuilder::size(const std::string& flag, std::uint64_t& target,
                               const std::string& default_text, const std::string& help) {
    target = parse_size(default_text).value_or(0);
    CLI::Option* option =
        app_.add_option_function<std::string>(
                flag, [&target](const std::string& text) { target = *parse_size(text); }, help)
            ->check(validator([](const std::string& text) {
                const auto size = parse_size(text);
                if (size && *size > 0) return std::string();
                return "'" + text + "' is not a size (e.g. 512, 64KiB, 1MiB)";
            }))
            ->default_str(default_text);
    return add(flag, ValueKind::size, option, [&target] { return std::to_string(target); });
}

CLI::Option* FlagBuilder::add_duration(const std::string& flag, const std::string& default_text,
                                       const std::string& help, bool positive,
                                       std::chrono::milliseconds max,
                                       std::function<void(std::chrono::milliseconds)> store,
                                       std::function<std::chrono::milliseconds()> load) {
    store(parse_duration(default_text).value_or(std::chrono::milliseconds(0)));
    CLI::Option* option =
        app_.add_option_function<std::string>(
                flag, [store](const std::string& text) { store(*parse_duration(text)); }, help)
            ->check(validator([positive, max](const std::string& text) {
                const auto duration = parse_duration(text);
                if (!duration) return "'" + text + "' is not a duration (e.g. 500ms, 30s, 5m)";
                if (*duration > max) return "'" + text + "' is longer than " + duration_text(max);
                if (positive && duration->count() <= 0) return std::string("must be more than 0");
                return std::string();
            }))
            ->default_str(default_text);
    return add(flag, ValueKind::duration, option,
               [load = std::move(load)] { return toml_string(duration_text(load())); });
}

CLI::Option* FlagBuilder::toggle(const std::string& flag, bool& target, const std::string& help) {
    target = false;
    CLI::Option* option = app_.add_flag(flag, target, help);
    return add(flag, ValueKind::toggle, option,
               [&target] { return std::string(target ? "true" : "false"); });
}

}  // namespace mqttws::app
