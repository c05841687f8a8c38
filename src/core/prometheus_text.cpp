#include "mqttws/prometheus_text.hpp"

#include <cmath>
#include <cstdio>

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
    if (std::isinf(value)) {
        out_ += value > 0 ? "+Inf" : "-Inf";
    } else if (std::isnan(value)) {
        out_ += "NaN";
    } else {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.17g", value);
        out_ += buffer;
    }
    out_ += '\n';
}

void PrometheusText::sample(std::string_view name, std::uint64_t value, Labels labels) {
    out_ += name;
    this->labels(labels);
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
}

}  // namespace mqttws
