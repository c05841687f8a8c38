#include "mqttws/json_depth.hpp"

#include <rapidjson/reader.h>

namespace mqttws {

namespace {

struct DepthLimit : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DepthLimit> {
    explicit DepthLimit(int max) : max_depth(max) {}
    int max_depth;
    int depth = 0;
    bool Default() { return true; }
    bool StartObject() { return ++depth <= max_depth; }
    bool EndObject(rapidjson::SizeType) { return leave(); }
    bool StartArray() { return ++depth <= max_depth; }
    bool EndArray(rapidjson::SizeType) { return leave(); }
    bool leave() {
        --depth;
        return true;
    }
};

}  // namespace

bool json_within_depth(std::string_view json, int max_depth) {
    DepthLimit limit(max_depth);
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(json.data(), json.size());
    return reader.Parse<rapidjson::kParseIterativeFlag>(stream, limit);
}

}  // namespace mqttws
