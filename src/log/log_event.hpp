// Structured log events: a fixed message plus key/value fields. In text
// format they read `msg key=value key="two words"`; in JSON format each field
// becomes a member of the line's object (see json_log_formatter.hpp).
//
//   if (log::enabled(spdlog::level::info)) {
//       log::event(spdlog::level::info, "connection open",
//                  log::Fields().add("session", id).add("remote", remote));
//   }
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqttws::log {

class Fields {
  public:
    Fields& add(std::string_view key, std::string_view value);
    Fields& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    Fields& add(std::string_view key, const std::string& value) {
        return add(key, std::string_view(value));
    }
    Fields& add(std::string_view key, std::uint64_t value);
    Fields& add(std::string_view key, std::int64_t value);
    Fields& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
    Fields& add(std::string_view key, unsigned value) { return add(key, std::uint64_t{value}); }
    Fields& add(std::string_view key, double value);
    Fields& add(std::string_view key, bool value);

    // ` key=value ...`, values with spaces, quotes, `=` or control
    // characters quoted and escaped, so an event stays on one line.
    std::string text() const;
    // `,"key":value ...`, ready to splice into a JSON object.
    void append_json(std::string& out) const;

  private:
    struct Field {
        std::string key;
        std::string value;  // the text, or a JSON number/literal when !is_string
        bool is_string = true;
    };
    std::vector<Field> fields_;
};

// The event the current thread is logging right now, if any: the formatter
// runs on the logging thread inside spdlog's call (the logger is
// synchronous), so it can read the fields without parsing the text back.
struct Event {
    std::string_view msg;
    const Fields* fields = nullptr;
};
const Event* current_event();

inline bool enabled(spdlog::level::level_enum level) {
    return spdlog::should_log(level);
}

void event(spdlog::level::level_enum level, std::string_view msg, const Fields& fields);

}  // namespace mqttws::log
