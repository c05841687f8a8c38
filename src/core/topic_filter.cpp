#include "mqttws/topic_filter.hpp"

#include "mqttws/utf8.hpp"

namespace mqttws {

std::string_view describe(TopicError error) {
    switch (error) {
        case TopicError::ok:
            return "valid";
        case TopicError::empty:
            return "topic filter is empty";
        case TopicError::too_long:
            return "topic filter is longer than 65535 bytes";
        case TopicError::too_many_levels:
            return "topic filter has more than 128 levels";
        case TopicError::null_character:
            return "topic filter contains a null character";
        case TopicError::invalid_utf8:
            return "topic filter is not valid UTF-8";
        case TopicError::misplaced_hash:
            return "'#' must be the last level and occupy it alone (e.g. a/#)";
        case TopicError::misplaced_plus:
            return "'+' must occupy a whole level (e.g. a/+/c)";
        case TopicError::wildcard_in_topic:
            return "a topic name may not contain '+' or '#'";
    }
    return "invalid topic filter";
}

namespace {

TopicError check_common(std::string_view text) {
    if (text.empty()) return TopicError::empty;
    if (text.size() > max_topic_bytes) return TopicError::too_long;
    if (text.find('\0') != std::string_view::npos) return TopicError::null_character;
    if (!is_valid_utf8(text)) return TopicError::invalid_utf8;
    std::size_t levels = 1;
    for (char c : text) levels += c == '/';
    if (levels > max_topic_levels) return TopicError::too_many_levels;
    return TopicError::ok;
}

}  // namespace

TopicError validate_filter(std::string_view filter) {
    if (auto error = check_common(filter); error != TopicError::ok) return error;
    for (std::size_t i = 0; i < filter.size(); ++i) {
        const char c = filter[i];
        if (c != '+' && c != '#') continue;
        const bool starts_level = i == 0 || filter[i - 1] == '/';
        const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
        if (c == '#' && !(starts_level && i + 1 == filter.size())) {
            return TopicError::misplaced_hash;
        }
        if (c == '+' && !(starts_level && ends_level)) return TopicError::misplaced_plus;
    }
    return TopicError::ok;
}

TopicError validate_topic_name(std::string_view topic) {
    if (auto error = check_common(topic); error != TopicError::ok) return error;
    if (topic.find_first_of("+#") != std::string_view::npos) return TopicError::wildcard_in_topic;
    return TopicError::ok;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
    // A leading wildcard never matches a '$' topic (MQTT 5.0, 4.7.2).
    if (!topic.empty() && topic[0] == '$' && !filter.empty() &&
        (filter[0] == '+' || filter[0] == '#')) {
        return false;
    }
    std::size_t f = 0;
    std::size_t t = 0;
    for (;;) {
        const std::size_t f_end = std::min(filter.find('/', f), filter.size());
        const std::string_view f_level = filter.substr(f, f_end - f);
        if (f_level == "#") return true;  // also matches the parent level: a/# matches a
        const std::size_t t_end = std::min(topic.find('/', t), topic.size());
        const std::string_view t_level = topic.substr(t, t_end - t);
        if (f_level != "+" && f_level != t_level) return false;
        const bool f_last = f_end == filter.size();
        const bool t_last = t_end == topic.size();
        if (t_last) {
            if (f_last) return true;
            // The topic ended; only a remaining "/#" can still match.
            return filter.substr(f_end) == "/#";
        }
        if (f_last) return false;
        f = f_end + 1;
        t = t_end + 1;
    }
}

namespace {

// Splits off the first level of `rest`; `rest` becomes what follows.
std::string_view next_level(std::string_view& rest, bool& last) {
    const std::size_t slash = rest.find('/');
    last = slash == std::string_view::npos;
    const std::string_view level = rest.substr(0, slash);
    rest = last ? std::string_view() : rest.substr(slash + 1);
    return level;
}

bool starts_with_wildcard(std::string_view filter) {
    return !filter.empty() && (filter[0] == '+' || filter[0] == '#');
}

}  // namespace

bool filter_covers(std::string_view general, std::string_view specific) {
    // '$' topics escape a leading wildcard (see topic_matches).
    if (!specific.empty() && specific[0] == '$' && starts_with_wildcard(general)) return false;
    bool g_last = false;
    bool s_last = false;
    // Whether the specific levels read so far form no topic at all (nothing
    // read yet, or one empty level: the empty string is not a topic).
    bool no_parent = true;
    bool first = true;
    for (;;) {
        const std::string_view g = next_level(general, g_last);
        if (g == "#") return true;
        const std::string_view s = next_level(specific, s_last);
        if (s == "#") {
            // s matches its parent and every topic below it; only "#" covers
            // both, and "+/#" covers the rest when there is no parent ("#" and
            // "+/#" match the same topics, as do "/#" and "/+/#").
            return no_parent && g == "+" && !g_last && general == "#";
        }
        no_parent = first && s.empty();
        first = false;
        if (g != "+" && (s == "+" || g != s)) return false;
        if (g_last || s_last) {
            // "a/#" is matched by "a" as well: a/# covers a only when g ends
            // here and s ends here, or g continues with a lone "#".
            if (g_last && s_last) return true;
            if (s_last) return general == "#";
            return false;
        }
    }
}

bool filters_overlap(std::string_view a, std::string_view b) {
    if (!a.empty() && !b.empty() && (a[0] == '$') != (b[0] == '$')) {
        // A '$' literal never meets a leading wildcard on the other side.
        const std::string_view other = a[0] == '$' ? b : a;
        if (starts_with_wildcard(other)) return false;
    }
    bool a_last = false;
    bool b_last = false;
    bool first = true;
    for (;;) {
        const std::string_view x = next_level(a, a_last);
        const std::string_view y = next_level(b, b_last);
        if (x == "#" || y == "#") return true;
        if (x != "+" && y != "+" && x != y) return false;
        if (a_last && b_last) return true;
        // One ends here and the other goes on with "/#": they share only
        // the topic read so far, which is none when it is one empty level
        // ("+" and "/#").
        if (a_last || b_last) {
            if (first && (x.empty() || y.empty())) return false;
            return (a_last ? b : a) == "#";
        }
        first = false;
    }
}

}  // namespace mqttws
