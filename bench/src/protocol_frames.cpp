#include "protocol_frames.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mwb::bench {
namespace {

std::string string_member(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd() || !it->value.IsString()) return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

// {"offset":N,"epoch":"…"}; nullopt when either is missing or of the wrong kind.
std::optional<StreamPosition> position_of(const rapidjson::Value& object) {
    if (!object.IsObject()) return std::nullopt;
    const auto offset = object.FindMember("offset");
    const auto epoch = object.FindMember("epoch");
    if (offset == object.MemberEnd() || !offset->value.IsUint64() || epoch == object.MemberEnd() ||
        !epoch->value.IsString()) {
        return std::nullopt;
    }
    return StreamPosition{offset->value.GetUint64(), epoch->value.GetString()};
}

}  // namespace

std::string subscribe_request(std::string_view filter, const PositionMap* since) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("op");
    w.String("subscribe");
    w.Key("id");
    w.Uint(1);
    w.Key("topics");
    w.StartArray();
    w.String(filter.data(), static_cast<rapidjson::SizeType>(filter.size()));
    w.EndArray();
    if (since == nullptr) {
        w.Key("recover");
        w.Bool(true);
    } else {
        w.Key("since");
        w.StartObject();
        for (const auto& [topic, position] : *since) {
            w.Key(topic.data(), static_cast<rapidjson::SizeType>(topic.size()));
            w.StartObject();
            w.Key("offset");
            w.Uint64(position.offset);
            w.Key("epoch");
            w.String(position.epoch.data(),
                     static_cast<rapidjson::SizeType>(position.epoch.size()));
            w.EndObject();
        }
        w.EndObject();
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

ProtocolFrame parse_protocol_frame(std::string_view text) {
    ProtocolFrame frame;
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) return frame;
    const auto type = doc.FindMember("type");
    if (type == doc.MemberEnd() || !type->value.IsString()) return frame;
    const std::string_view name(type->value.GetString(), type->value.GetStringLength());
    if (name == "welcome") {
        frame.type = FrameType::Welcome;
    } else if (name == "ack") {
        frame.type = FrameType::Ack;
    } else if (name == "message") {
        frame.type = FrameType::Message;
        frame.position = position_of(doc);
    } else if (name == "recovery") {
        frame.type = FrameType::Recovery;
    } else {
        frame.type = FrameType::Other;
        return frame;
    }
    frame.topic = string_member(doc, "topic");
    frame.reason = string_member(doc, "reason");
    if (const auto recovered = doc.FindMember("recovered");
        recovered != doc.MemberEnd() && recovered->value.IsBool()) {
        frame.recovered = recovered->value.GetBool();
    }
    if (const auto positions = doc.FindMember("positions"); frame.type == FrameType::Ack &&
                                                            positions != doc.MemberEnd() &&
                                                            positions->value.IsObject()) {
        PositionMap map;
        for (const auto& member : positions->value.GetObject()) {
            if (auto position = position_of(member.value)) {
                map.emplace(member.name.GetString(), std::move(*position));
            }
        }
        frame.positions = std::move(map);
        const auto complete = doc.FindMember("positionsComplete");
        frame.positions_complete =
            complete == doc.MemberEnd() || !complete->value.IsBool() || complete->value.GetBool();
    }
    return frame;
}

}  // namespace mwb::bench
