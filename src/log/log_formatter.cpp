#include "log/log_formatter.hpp"

#include <spdlog/details/log_msg.h>

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

#include "log/log_event.hpp"
#include "mqttws/json_string.hpp"

namespace mqttws::log {

namespace {

// The names --log-level accepts, so a filter on the output uses the same words.
std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return "trace";
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warn";
        case spdlog::level::err:
            return "error";
        case spdlog::level::critical:
            return "critical";
        default:
            return "off";
    }
}

// RFC 3339 in UTC with milliseconds: sorts as text and needs no time zone.
void append_time(std::string& out, spdlog::log_clock::time_point time) {
    const auto since_epoch = time.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    const std::time_t t = seconds.count();
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[96];  // room for any int the compiler imagines in each field
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    out += buffer;
}

void flush_to(spdlog::memory_buf_t& dest, const std::string& line) {
    dest.append(line.data(), line.data() + line.size());
}

class TextFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line;
        append_time(line, msg.time);
        line += ' ';
        const std::string_view level = level_name(msg.level);
        line += level;
        line.append(level.size() < 5 ? 5 - level.size() : 0, ' ');
        line += ' ';
        // Control characters would break the one-line-per-event rule.
        for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) {
            if (c == '\n') {
                line += "\\n";
            } else if (c == '\r') {
                line += "\\r";
            } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
                line += '?';
            } else {
                line += c;
            }
        }
        line += '\n';
        flush_to(dest, line);
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<TextFormatter>();
    }
};

class JsonFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line = R"({"time":")";
        append_time(line, msg.time);
        line += R"(","level":")";
        line += level_name(msg.level);
        line += R"(","msg":)";
        const Event* event = current_event();
        if (event && event->fields) {
            append_json_string(line, event->msg);
            event->fields->append_json(line);
        } else {
            append_json_string(line, std::string_view(msg.payload.data(), msg.payload.size()));
        }
        line += "}\n";
        flush_to(dest, line);
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>();
    }
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
    if (format == LogFormat::json) return std::make_unique<JsonFormatter>();
    return std::make_unique<TextFormatter>();
}

}  // namespace mqttws::log
