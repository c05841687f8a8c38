#include "mqttws/static_files.hpp"

#include <array>

namespace mqttws {

namespace {

constexpr std::string_view index_name = "index.html";
constexpr std::string_view javascript_type = "text/javascript; charset=utf-8";

constexpr std::string_view method_not_allowed_body_text = "method not allowed\n";

// A static page that loads only its own scripts and styles and talks only to
// its own origin: fetch /metrics, and the WebSocket, which CSP 3 lets 'self'
// match as ws:/wss: on the same host and port. Whatever its ?ws= says, it
// cannot talk to another host. It may not be framed.
constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const std::string& method_not_allowed_body() {
    static const std::string body(method_not_allowed_body_text);
    return body;
}

}  // namespace

std::optional<std::string_view> StaticFiles::content_type_for(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", javascript_type},
        {".mjs", javascript_type},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
    }};
    for (const auto& [extension, type] : types) {
        if (name.size() > extension.size() &&
            name.compare(name.size() - extension.size(), extension.size(), extension) == 0) {
            return type;
        }
    }
    return std::nullopt;
}

bool StaticFiles::add(const std::string& name, std::string content) {
    if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos) return false;
    const auto type = content_type_for(name);
    if (!type) return false;
    files_[name] = StaticFile{std::move(content), *type};
    return true;
}

const StaticFile* StaticFiles::find(std::string_view path) const {
    if (path.empty() || path.front() != '/') return nullptr;
    std::string_view name = path.substr(1);
    if (name.empty()) name = index_name;
    // Exact names only: "/a/b", "/../x" or "/%2e%2e" simply match nothing.
    const auto it = files_.find(name);
    return it == files_.end() ? nullptr : &it->second;
}

std::optional<StaticResponse> StaticFiles::respond(std::string_view method,
                                                   std::string_view path) const {
    const StaticFile* file = find(path);
    if (!file) return std::nullopt;
    StaticResponse response;
    // HEAD gets GET's answer; the caller leaves the body out.
    if (method != "GET" && method != "HEAD") {
        response.status = 405;
        response.headers = {{"Allow", "GET, HEAD"}, {"Content-Type", "text/plain; charset=utf-8"}};
        response.body = &method_not_allowed_body();
        return response;
    }
    response.headers = {
        {"Content-Type", file->content_type},
        // Revalidate every time: an upgraded bridge must not run an old page.
        {"Cache-Control", "no-cache"},
        {"X-Content-Type-Options", "nosniff"},
        {"Content-Security-Policy", content_security_policy},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
    };
    if (file->content_type == javascript_type) {
        // Scripts are public and carry no credentials: a web app on another
        // origin may import /client.js (module scripts are fetched with CORS).
        response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    }
    response.body = &file->content;
    return response;
}

}  // namespace mqttws
