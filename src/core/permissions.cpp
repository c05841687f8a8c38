#include "mqttws/permissions.hpp"

#include <algorithm>

#include "mqttws/topic_filter.hpp"
#include "mqttws/utf8.hpp"

namespace mqttws {

namespace {

std::string replace_all(std::string_view text, std::string_view subject) {
    std::string out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = text.find(subject_placeholder, start);
        if (at == std::string_view::npos) break;
        out.append(text.substr(start, at - start));
        out.append(subject);
        start = at + subject_placeholder.size();
    }
    out.append(text.substr(start));
    return out;
}

bool uses_subject(std::string_view filter) {
    return filter.find(subject_placeholder) != std::string_view::npos;
}

std::string expand_list(const std::vector<std::string>& templates, std::string_view subject,
                        std::vector<std::string>& out) {
    for (const auto& filter : templates) {
        if (uses_subject(filter) && !is_safe_subject(subject)) {
            return "the subject cannot be used in a topic filter";
        }
        std::string expanded = replace_all(filter, subject);
        if (const TopicError error = validate_filter(expanded); error != TopicError::ok) {
            return "permission '" + filter + "': " + std::string(describe(error));
        }
        out.push_back(std::move(expanded));
    }
    return {};
}

}  // namespace

bool is_safe_subject(std::string_view subject) {
    if (subject.empty() || !is_valid_utf8(subject)) return false;
    return subject.find_first_of(std::string_view("/+#\0", 4)) == std::string_view::npos;
}

std::variant<Permissions, std::string> expand_permissions(const Permissions& templates,
                                                          std::string_view subject) {
    Permissions out;
    if (auto reason = expand_list(templates.subscribe, subject, out.subscribe); !reason.empty()) {
        return reason;
    }
    if (auto reason = expand_list(templates.publish, subject, out.publish); !reason.empty()) {
        return reason;
    }
    return out;
}

std::string check_permission_templates(const Permissions& templates) {
    const auto expanded = expand_permissions(templates, "subject");
    if (const auto* reason = std::get_if<std::string>(&expanded)) return *reason;
    return {};
}

bool may_subscribe(const Permissions& permissions, std::string_view filter) {
    return std::any_of(permissions.subscribe.begin(), permissions.subscribe.end(),
                       [&](const std::string& allowed) { return filter_covers(allowed, filter); });
}

bool may_publish(const Permissions& permissions, std::string_view topic) {
    return std::any_of(permissions.publish.begin(), permissions.publish.end(),
                       [&](const std::string& allowed) { return topic_matches(allowed, topic); });
}

}  // namespace mqttws
