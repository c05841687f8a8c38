// --check-config's output: the effective settings as TOML.
#include "app/effective_settings.hpp"

namespace mqttws::app {

void print_effective_settings(const std::vector<FlagEntry>& flags, std::ostream& out) {
    out << "# mqtt-ws-bridge: the effective settings (command line > MWB_* > config file)\n";
    for (const auto& flag : flags) {
        if (!flag.in_config) continue;
        const std::string value = flag.show();
        // A secret's line stays a comment, so this output read back as a config
        // file leaves it unset rather than set to a placeholder.
        if (flag.secret && value != "\"\"") {
            out << "# " << flag.key << " = (set, not shown)\n";
        } else {
            out << flag.key << " = " << value << "\n";
        }
    }
}

}  // namespace mqttws::app
