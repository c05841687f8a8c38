// Protocol-mode frames: never crash, and whatever id is echoed back must
// make the ack and error frames valid JSON.
#include "fuzz_check.hpp"
#include "mqttws/client_request.hpp"
#include "mqttws/envelope_encoder.hpp"
#include "mqttws/topic_filter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
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
