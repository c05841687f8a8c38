#include "mqttws/credential.hpp"

#include <algorithm>
#include <cctype>

#include "mqttws/ws_target.hpp"

namespace mqttws {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

std::optional<std::string> bearer_from_authorization(std::string_view header) {
    header = trim(header);
    constexpr std::string_view scheme = "Bearer";
    if (header.size() <= scheme.size() + 1 || !iequals(header.substr(0, scheme.size()), scheme) ||
        (header[scheme.size()] != ' ' && header[scheme.size()] != '\t')) {
        return std::nullopt;
    }
    const std::string_view token = trim(header.substr(scheme.size() + 1));
    if (token.empty()) return std::nullopt;
    return std::string(token);
}

std::optional<std::string> access_token_from_target(std::string_view resource) {
    const std::size_t question = resource.find('?');
    if (question == std::string_view::npos) return std::nullopt;
    const std::string_view query = resource.substr(question + 1);
    std::size_t start = 0;
    while (start < query.size()) {
        const std::size_t amp = std::min(query.find('&', start), query.size());
        const std::string_view pair = query.substr(start, amp - start);
        const std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == access_token_parameter) {
            std::string decoded;
            if (!percent_decode(pair.substr(eq + 1), decoded) || decoded.empty()) {
                return std::nullopt;
            }
            return decoded;
        }
        start = amp + 1;
    }
    return std::nullopt;
}

bool is_bearer_subprotocol(std::string_view subprotocol) {
    return subprotocol.size() > bearer_subprotocol_prefix.size() &&
           subprotocol.substr(0, bearer_subprotocol_prefix.size()) == bearer_subprotocol_prefix;
}

std::optional<std::string> bearer_from_subprotocols(const std::vector<std::string>& requested) {
    for (const auto& entry : requested) {
        if (is_bearer_subprotocol(entry)) return entry.substr(bearer_subprotocol_prefix.size());
    }
    return std::nullopt;
}

std::optional<std::string> find_credential(std::string_view authorization_header,
                                           std::string_view resource,
                                           const std::vector<std::string>& requested_subprotocols) {
    if (auto token = bearer_from_authorization(authorization_header)) return token;
    if (auto token = access_token_from_target(resource)) return token;
    return bearer_from_subprotocols(requested_subprotocols);
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
    if (allowed.empty() || origin.empty()) return true;
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& entry) { return iequals(entry, origin); });
}

}  // namespace mqttws
