// What an authenticated client may subscribe to and publish to, as MQTT
// filters in the client's topic space (msg.topic, before --strip-prefix is
// added back). Pure: no I/O, no clock.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mqttws {

struct Permissions {
    std::vector<std::string> subscribe;
    std::vector<std::string> publish;
};

// The placeholder a permission filter may hold for the client's subject.
inline constexpr std::string_view subject_placeholder = "{sub}";

// A subject may be put into a filter only when it cannot widen it: no '/',
// '+', '#' or NUL, valid UTF-8, not empty.
bool is_safe_subject(std::string_view subject);

// Every "{sub}" replaced by `subject`, each result checked as a filter.
// Refused (the reason) when a filter uses "{sub}" and the subject is not
// safe, or when a filter is invalid.
std::variant<Permissions, std::string> expand_permissions(const Permissions& templates,
                                                          std::string_view subject);

// Checks the permission templates once, at start: valid filters once "{sub}"
// is replaced by a safe subject. Returns the first problem, "" when none.
std::string check_permission_templates(const Permissions& templates);

// A subscription is allowed when one permission filter covers it entirely.
bool may_subscribe(const Permissions& permissions, std::string_view filter);
// A publish is allowed when one permission filter matches the topic.
bool may_publish(const Permissions& permissions, std::string_view topic);

}  // namespace mqttws
