#include "harness/metrics_text.hpp"

#include <cstdlib>
#include <sstream>

namespace mwb::it {

std::optional<double> MetricsText::sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        if (line.size() <= series.size() || line.compare(0, series.size(), series) != 0 ||
            line[series.size()] != ' ') {
            continue;
        }
        const std::string value = line.substr(series.size() + 1);
        char* end = nullptr;
        const double parsed = std::strtod(value.c_str(), &end);
        if (end == value.c_str()) return std::nullopt;
        // An optional timestamp may follow the value.
        if (*end != '\0' && *end != ' ') return std::nullopt;
        return parsed;
    }
    return std::nullopt;
}

}  // namespace mwb::it
