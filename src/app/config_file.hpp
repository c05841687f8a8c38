// --config FILE: a TOML file whose keys are flag names, read with a real TOML
// parser (a '#' inside a quoted filter is part of the filter) and given to
// the flags that neither the command line nor an MWB_* variable set.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/flag_kinds.hpp"

namespace mqttws::app {

struct ConfigFileResult {
    // Empty on success, else one line: "FILE:LINE: unknown key 'subscirbe'".
    std::string error;
    // "--flag" -> "FILE:LINE" for each setting taken from the file, so that
    // a later cross-check on that flag can say where it came from.
    std::map<std::string, std::string> origin;
};

// Call after CLI11 has parsed the command line and the environment.
ConfigFileResult apply_config_file(const std::string& path, const std::vector<FlagEntry>& flags);

}  // namespace mqttws::app
