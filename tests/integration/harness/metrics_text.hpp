#pragma once

#include <optional>
#include <string>

namespace mwb::it {

// Reads samples out of the bridge's GET /metrics answer (Prometheus text format).
class MetricsText {
  public:
    // The value of the sample written exactly as `series` (name plus labels as the exposition
    // writes them, e.g. `mwb_dropped_total{reason="unknown_session"}`), or nullopt when the text
    // has no such line or its value does not parse.
    static std::optional<double> sample(const std::string& text, const std::string& series);
};

}  // namespace mwb::it
