#include "mqttws/json_depth.hpp"

#include <rapidjson/reader.h>

namespace mqttws {

namespace {

struct DepthLimit : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DepthLimit> {
    explicit DepthLimit(int max) : max_depth(max) {}
    int max_depth;
    int depth = 0;
    bool Default() { return true; }
    bool too_deep = false;
    bool StartObject() { return enter(); }
    bool EndObject(rapidjson::SizeType) { return leave(); }
    bool StartArray() { return enter(); }
    bool enter() {
        too_deep = ++depth > max_depth;
        return !too_deep;
    }
    bool EndArray(rapidjson::SizeType) { return leave(); }
    bool leave() {
        --depth;
        return true;
    }
};

}  // namespace

JsonDepth check_json_depth(std::string_view json, int max_depth) {
    DepthLimit limit(max_depth);
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(json.data(), json.size());
    constexpr unsigned flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    if (reader.Parse<flags>(stream, limit)) return JsonDepth::ok;
    return limit.too_deep ? JsonDepth::too_deep : JsonDepth::invalid;
}

}  // namespace mqttws
