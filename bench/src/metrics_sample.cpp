#include "metrics_sample.hpp"

#include <cstdlib>
#include <string>

namespace mwb::bench {

std::optional<double> metrics_sample(std::string_view text, std::string_view series) {
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find('\n', start), text.size());
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (line.size() <= series.size() || line.substr(0, series.size()) != series ||
            line[series.size()] != ' ') {
            continue;
        }
        const std::string value(line.substr(series.size() + 1));
        char* parsed_end = nullptr;
        const double number = std::strtod(value.c_str(), &parsed_end);
        if (parsed_end == value.c_str()) return std::nullopt;
        return number;
    }
    return std::nullopt;
}

}  // namespace mwb::bench
