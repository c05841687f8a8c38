#include "mqttws/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mqttws {

namespace {

void escape_into(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    escape_into(out_, help, false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void PrometheusText::labels(Labels labels) {
    if (labels.size() == 0) return;
    out_ += '{';
    bool first = true;
    for (const auto& [key, value] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        escape_into(out_, value, true);
        out_ += '"';
    }
    out_ += '}';
}

void PrometheusText::sample(std::string_view name, double value, Labels labels) {
    out_ += name;
    this->labels(labels);
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
}

std::string PrometheusText::number(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (std::isnan(value)) return "NaN";
    char buffer[64];
    // Enough digits for the integer part first, so 10 reads "10", not "1e+01".
    int start = 1;
    for (double magnitude = std::fabs(value); magnitude >= 10.0 && start < 17; magnitude /= 10.0) {
        ++start;
    }
    for (int precision = start; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    return buffer;
}

void PrometheusText::histogram(std::string_view name, std::string_view help,
                               const std::vector<double>& upper_bounds,
                               const std::vector<std::uint64_t>& bucket_counts, double sum) {
    family(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    // Always every bound and +Inf, whatever `bucket_counts` holds: a missing
    // count is 0, extra ones land in +Inf.
    for (std::size_t i = 0; i <= upper_bounds.size(); ++i) {
        if (i < upper_bounds.size()) {
            if (i < bucket_counts.size()) cumulative += bucket_counts[i];
            sample(bucket, cumulative, {{"le", number(upper_bounds[i])}});
        } else {
            for (std::size_t j = i; j < bucket_counts.size(); ++j) cumulative += bucket_counts[j];
            sample(bucket, cumulative, {{"le", "+Inf"}});
        }
    }
    sample(std::string(name) + "_sum", sum);
    sample(std::string(name) + "_count", cumulative);
}

void PrometheusText::sample(std::string_view name, std::uint64_t value, Labels labels) {
    out_ += name;
    this->labels(labels);
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
}

}  // namespace mqttws
