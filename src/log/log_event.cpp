#include "log/log_event.hpp"

#include <spdlog/spdlog.h>

#include "mqttws/json_string.hpp"
#include "mqttws/prometheus_text.hpp"

namespace mqttws::log {

namespace {

thread_local const Event* active_event = nullptr;

bool needs_quotes(std::string_view value) {
    if (value.empty()) return true;
    for (const char c : value) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '=' || c == '\\') return true;
    }
    return false;
}

}  // namespace

Fields& Fields::add(std::string_view key, std::string_view value) {
    fields_.push_back(Field{std::string(key), std::string(value), true});
    return *this;
}

Fields& Fields::add(std::string_view key, std::uint64_t value) {
    fields_.push_back(Field{std::string(key), std::to_string(value), false});
    return *this;
}

Fields& Fields::add(std::string_view key, std::int64_t value) {
    fields_.push_back(Field{std::string(key), std::to_string(value), false});
    return *this;
}

Fields& Fields::add(std::string_view key, double value) {
    // JSON has no Inf/NaN; neither occurs in durations, but stay valid.
    const std::string text = PrometheusText::number(value);
    const bool finite = text != "+Inf" && text != "-Inf" && text != "NaN";
    fields_.push_back(Field{std::string(key), finite ? text : "null", false});
    return *this;
}

Fields& Fields::add(std::string_view key, bool value) {
    fields_.push_back(Field{std::string(key), value ? "true" : "false", false});
    return *this;
}

std::string Fields::text() const {
    std::string out;
    for (const auto& field : fields_) {
        out += ' ';
        out += field.key;
        out += '=';
        if (field.is_string && needs_quotes(field.value)) {
            // A JSON string literal is a fine logfmt quoting: one line, escaped.
            append_json_string(out, field.value);
        } else {
            out += field.value;
        }
    }
    return out;
}

void Fields::append_json(std::string& out) const {
    for (const auto& field : fields_) {
        out += ',';
        append_json_string(out, field.key);
        out += ':';
        if (field.is_string) {
            append_json_string(out, field.value);
        } else {
            out += field.value;
        }
    }
}

const Event* current_event() {
    return active_event;
}

void event(spdlog::level::level_enum level, std::string_view msg, const Fields& fields) {
    if (!spdlog::should_log(level)) return;
    const Event current{msg, &fields};
    active_event = &current;
    spdlog::log(level, "{}{}", msg, fields.text());
    active_event = nullptr;
}

}  // namespace mqttws::log
