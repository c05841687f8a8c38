#include "harness/json_text.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace mwb::it {

rapidjson::Document JsonText::parse(const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.c_str(), text.size());
    if (document.HasParseError()) {
        throw std::runtime_error(std::string("not JSON (") +
                                 rapidjson::GetParseError_En(document.GetParseError()) +
                                 " at offset " + std::to_string(document.GetErrorOffset()) +
                                 "): '" + text.substr(0, 500) + "'");
    }
    return document;
}

bool JsonText::is_json(const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.c_str(), text.size());
    return !document.HasParseError();
}

std::string JsonText::serialize(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string JsonText::quote(const std::string& text) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return std::string(buffer.GetString(), buffer.GetSize());
}

bool JsonText::same(const std::string& a, const std::string& b) {
    rapidjson::Document da;
    rapidjson::Document db;
    da.Parse(a.c_str(), a.size());
    db.Parse(b.c_str(), b.size());
    if (da.HasParseError() || db.HasParseError()) return false;
    return da == db;
}

std::string JsonText::string_member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) return {};
    auto it = object.FindMember(name);
    if (it == object.MemberEnd() || !it->value.IsString()) return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace mwb::it
