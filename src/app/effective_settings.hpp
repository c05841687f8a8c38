// --check-config's output: every setting the bridge would run with, as a
// TOML file that --config reads back, secrets left out.
#pragma once

#include <ostream>
#include <vector>

#include "app/flag_kinds.hpp"

namespace mqttws::app {

void print_effective_settings(const std::vector<FlagEntry>& flags, std::ostream& out);

}  // namespace mqttws::app
