#include "mqttws/bearer_token.hpp"

#include <cctype>
#include <cstddef>

namespace mqttws {

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Walk the expected length whatever the candidate's, so a wrong length
    // costs the same as a wrong byte; `volatile` keeps the compiler from
    // stopping at the first difference.
    volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        diff = diff | (x ^ static_cast<unsigned char>(b[i]));
    }
    return diff == 0;
}

bool bearer_token_matches(std::string_view authorization, std::string_view expected) {
    if (expected.empty()) return false;
    constexpr std::string_view scheme = "bearer";
    if (authorization.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return false;
    }
    std::string_view token = authorization.substr(scheme.size());
    if (token.front() != ' ' && token.front() != '\t') return false;
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    return constant_time_equal(token, expected);
}

}  // namespace mqttws
