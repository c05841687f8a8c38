// One sample out of a Prometheus text exposition (the bridge's GET /metrics), for the
// recovery scenario's view of the bridge's own history accounting.
#pragma once

#include <optional>
#include <string_view>

namespace mwb::bench {

// The value of the line that starts with `series` (name plus labels, as written) and a
// space; nullopt when there is none or its value does not parse.
std::optional<double> metrics_sample(std::string_view text, std::string_view series);

}  // namespace mwb::bench
