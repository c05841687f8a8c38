#pragma once

#include <optional>
#include <string>

namespace mwb::it {

// Prometheus's own checker (`promtool check metrics`, Debian package prometheus) run on an
// exposition text: the format rules and the naming/HELP lints Prometheus applies.
class Promtool {
  public:
    struct Result {
        std::optional<int> wait_status;  // nullopt: did not finish in time (then killed)
        std::string output;              // stdout and stderr together: every complaint
        // Exited 0 and said nothing.
        bool clean() const;
        std::string describe() const;
    };

    static Result check_metrics(const std::string& exposition);
    static std::string binary();
};

}  // namespace mwb::it
