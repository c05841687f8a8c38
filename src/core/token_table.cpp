#include "mqttws/token_table.hpp"

#include "permission_members.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace mqttws {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool parse_hex(std::string_view text, Sha256& out) {
    if (text.size() != out.size() * 2) return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = hex_value(text[2 * i]);
        const int low = hex_value(text[2 * i + 1]);
        if (high < 0 || low < 0) return false;
        out[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return true;
}

}  // namespace

std::variant<std::vector<TokenEntry>, std::string> parse_token_table(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseStopWhenDoneFlag>(json.data(), json.size());
    if (doc.HasParseError()) {
        return "not JSON: " + std::string(rapidjson::GetParseError_En(doc.GetParseError())) +
               " at byte " + std::to_string(doc.GetErrorOffset());
    }
    if (!doc.IsObject() || !doc.HasMember("tokens") || !doc["tokens"].IsArray()) {
        return std::string("expected an object with a \"tokens\" array");
    }
    std::vector<TokenEntry> entries;
    for (const auto& item : doc["tokens"].GetArray()) {
        const std::string where = "token " + std::to_string(entries.size() + 1);
        if (!item.IsObject()) return where + ": not an object";
        TokenEntry entry;
        const auto hash = item.FindMember("sha256");
        if (hash == item.MemberEnd() || !hash->value.IsString() ||
            !parse_hex({hash->value.GetString(), hash->value.GetStringLength()}, entry.sha256)) {
            return where + ": \"sha256\" must be 64 hex digits (the token's SHA-256)";
        }
        if (const auto subject = item.FindMember("subject"); subject != item.MemberEnd()) {
            if (!subject->value.IsString()) return where + ": \"subject\" must be a string";
            entry.subject.assign(subject->value.GetString(), subject->value.GetStringLength());
        }
        Permissions templates;
        if (!read_permission_members(item, templates)) {
            return where + ": \"subscribe\" and \"publish\" must be arrays of strings";
        }
        auto expanded = expand_permissions(templates, entry.subject);
        if (auto* reason = std::get_if<std::string>(&expanded)) return where + ": " + *reason;
        entry.permissions = std::get<Permissions>(std::move(expanded));
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace mqttws
