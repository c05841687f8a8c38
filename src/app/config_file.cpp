// --config: the TOML file, its keys checked against the flag table and given to CLI11.
#include "app/config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <variant>

namespace mqttws::app {

namespace {

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number with a fraction";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::table:
            return "a table";
        default:
            return "a date or time";
    }
}

using Inputs = std::vector<std::string>;

// What CLI11 gets for this value, or why the value does not fit the flag.
std::variant<Inputs, std::string> inputs_for(ValueKind kind, const toml::node& node) {
    const std::string got = ", not " + type_name(node);
    if (const auto* text = node.as_string()) {
        if (kind == ValueKind::count) return "must be an integer" + got;
        if (kind == ValueKind::toggle) return "must be true or false" + got;
        return Inputs{text->get()};
    }
    if (const auto* integer = node.as_integer()) {
        if (kind == ValueKind::count || kind == ValueKind::size) {
            return Inputs{std::to_string(integer->get())};
        }
    }
    if (const auto* boolean = node.as_boolean(); boolean && kind == ValueKind::toggle) {
        return Inputs{boolean->get() ? "true" : "false"};
    }
    if (const auto* array = node.as_array(); array && kind == ValueKind::list) {
        Inputs inputs;
        for (const auto& element : *array) {
            const auto* text = element.as_string();
            if (!text) return "must be an array of strings, not of " + type_name(element) + "s";
            inputs.push_back(text->get());
        }
        return inputs;
    }
    switch (kind) {
        case ValueKind::count:
            return "must be an integer" + got;
        case ValueKind::size:
            return "must be a size such as \"64KiB\", or a number of bytes" + got;
        case ValueKind::toggle:
            return "must be true or false" + got;
        case ValueKind::list:
            return "must be an array of strings, or one string" + got;
        default:
            return "must be a string" + got;
    }
}

// CLI11 names the flag first ("--payload: ..."); the caller names the key.
std::string without_flag(const std::string& what, const std::string& flag) {
    const std::string prefix = flag + ": ";
    return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

struct Setting {
    std::string key;
    int line;
    const toml::node* value;
};

}  // namespace

ConfigFileResult apply_config_file(const std::string& path, const std::vector<FlagEntry>& flags) {
    ConfigFileResult result;
    std::ifstream file(path);
    if (!file) {
        result.error = path + ": cannot read the file";
        return result;
    }
    toml::table table;
    try {
        table = toml::parse(file, path);
    } catch (const toml::parse_error& e) {
        result.error = path + ":" + std::to_string(e.source().begin.line) + ": " +
                       std::string(e.description());
        return result;
    }
    // The table is ordered by key; problems are reported in the order of the file.
    std::vector<Setting> settings;
    for (const auto& [key, value] : table) {
        settings.push_back(
            Setting{std::string(key.str()), static_cast<int>(key.source().begin.line), &value});
    }
    std::sort(settings.begin(), settings.end(),
              [](const Setting& a, const Setting& b) { return a.line < b.line; });

    for (const Setting& setting : settings) {
        const std::string where = path + ":" + std::to_string(setting.line);
        const std::string key = "'" + setting.key + "'";
        const auto entry = std::find_if(flags.begin(), flags.end(), [&](const FlagEntry& flag) {
            return flag.key == setting.key;
        });
        if (entry == flags.end()) {
            result.error = where + ": unknown key " + key;
            return result;
        }
        if (!entry->in_config) {
            result.error = where + ": " + key + " is a command-line flag only";
            return result;
        }
        auto inputs = inputs_for(entry->kind, *setting.value);
        if (const auto* reason = std::get_if<std::string>(&inputs)) {
            result.error = where + ": " + key + " " + *reason;
            return result;
        }
        CLI::Option* option = entry->option;
        // The command line or an MWB_* variable set it: they win.
        if (option->count() > 0) continue;
        const Inputs& values = std::get<Inputs>(inputs);
        if (values.empty() && entry->clear) {
            entry->clear();  // an empty array: none
            result.origin["--" + setting.key] = where;
            continue;
        }
        try {
            for (const auto& input : values) {
                option->add_result(entry->kind == ValueKind::toggle
                                       ? option->get_flag_value(setting.key, input)
                                       : input);
            }
            option->run_callback();
        } catch (const CLI::Error& e) {
            result.error = where + ": " + key + ": " + without_flag(e.what(), "--" + setting.key);
            return result;
        }
        result.origin["--" + setting.key] = where;
    }
    return result;
}

}  // namespace mqttws::app
