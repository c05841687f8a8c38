// What no single flag can decide: values derived from several flags (the
// subscriptions with the reply topics, the ids, the passwords read from
// files) and the checks of flags against each other. Each flag's own value
// was validated where it was declared (flag_table.cpp).
#pragma once

#include <optional>

#include "app/config.hpp"
#include "app/flag_table.hpp"
#include "app/security_flags.hpp"

namespace mqttws::app {

// Completes `config` (whose fields the flags set) from `inputs`; the first problem found.
std::optional<FlagProblem> complete_config(const FlagInputs& inputs, Config& config);

}  // namespace mqttws::app
