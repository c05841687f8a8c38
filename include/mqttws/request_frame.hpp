// A client's JSON frame read in one streaming pass, without a tree of the whole frame. The
// top-level "payload" member, which may be as large as the frame, comes out re-serialised
// (compact JSON, or a string's bytes); the rest of the frame, small under the value bound, is
// left as text for an ordinary tree. Reading a frame then costs about the frame and its
// payload, not a tree node per value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mqttws {

// JSON values (keys included) a frame may hold outside its payload: a request has a handful
// of fields and at most this many topic filters.
inline constexpr std::size_t max_request_values = 10'000;

struct SplitFrame {
    // The frame with the payload's value replaced by null; the frame itself when it has no
    // top-level "payload".
    std::string rest;
    std::optional<std::string> payload;  // the first top-level "payload" member's value
    bool payload_is_string = false;      // then `payload` holds the string's bytes
};

struct SplitFailure {
    bool too_many_values = false;  // otherwise not JSON
    std::string message;
};

// Validates UTF-8 as it reads. The caller has bounded the nesting depth.
std::variant<SplitFrame, SplitFailure> split_request_frame(std::string_view frame);

}  // namespace mqttws
