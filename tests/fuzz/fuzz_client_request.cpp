// Protocol-mode frames: never crash, and whatever id is echoed back must
// make the ack and error frames valid JSON. The streaming split of a frame
// agrees with a tree of the whole frame: same payload, same rest.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fuzz_check.hpp"
#include "mqttws/client_request.hpp"
#include "mqttws/envelope_encoder.hpp"
#include "mqttws/json_depth.hpp"
#include "mqttws/request_frame.hpp"
#include "mqttws/topic_filter.hpp"

namespace {

constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;

std::string compact(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

void check_split(std::string_view frame) {
    // The callers refuse NUL bytes and deep nesting before splitting.
    if (frame.find('\0') != std::string_view::npos) return;
    if (!mqttws::json_within_depth(frame, mqttws::max_request_depth)) return;
    rapidjson::Document whole;
    whole.Parse<kFlags>(frame.data(), frame.size());
    auto split = mqttws::split_request_frame(frame);
    if (whole.HasParseError()) {
        FUZZ_CHECK(std::holds_alternative<mqttws::SplitFailure>(split));
        return;
    }
    if (auto* failure = std::get_if<mqttws::SplitFailure>(&split)) {
        FUZZ_CHECK(failure->too_many_values);
        return;
    }
    auto& parts = std::get<mqttws::SplitFrame>(split);
    rapidjson::Value* payload = nullptr;
    if (whole.IsObject()) {
        const auto it = whole.FindMember("payload");
        if (it != whole.MemberEnd()) payload = &it->value;
    }
    FUZZ_CHECK(parts.payload.has_value() == (payload != nullptr));
    if (payload) {
        FUZZ_CHECK(parts.payload_is_string == payload->IsString());
        FUZZ_CHECK(*parts.payload == (payload->IsString() ? std::string(payload->GetString(),
                                                                        payload->GetStringLength())
                                                          : compact(*payload)));
        payload->SetNull();
    }
    rapidjson::Document rest;
    rest.Parse<kFlags>(parts.rest.data(), parts.rest.size());
    FUZZ_CHECK(!rest.HasParseError());
    FUZZ_CHECK(compact(rest) == compact(whole));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    check_split(frame);
    auto result = mqttws::parse_client_request(frame);
    if (auto* error = std::get_if<mqttws::RequestError>(&result)) {
        FUZZ_CHECK(
            is_strict_json(mqttws::encode_error(error->id_json, error->code, error->message)));
        return 0;
    }
    const auto& request = std::get<mqttws::ClientRequest>(result);
    FUZZ_CHECK(is_strict_json(mqttws::encode_ack(request.id_json)));
    for (const auto& topic : request.topics) {
        FUZZ_CHECK(mqttws::validate_filter(topic) == mqttws::TopicError::ok);
    }
    if (request.op == mqttws::RequestOp::publish) {
        FUZZ_CHECK(mqttws::validate_topic_name(request.publish.topic) == mqttws::TopicError::ok);
        FUZZ_CHECK(request.publish.qos >= 0 && request.publish.qos <= 2);
    }
    return 0;
}
