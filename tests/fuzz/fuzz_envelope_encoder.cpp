// Every wire encoding of any broker message is valid UTF-8 JSON, whatever
// bytes the broker put in topics, properties or payloads.
#include "fuzz_check.hpp"
#include "mqttws/envelope_encoder.hpp"
#include "mqttws/message_decoder.hpp"

namespace {

// Splits the input at NUL bytes into the message's fields.
std::vector<std::string> fields(std::string_view input) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto end = input.find('\0', start);
        out.emplace_back(input.substr(start, end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    auto parts = fields(std::string_view(reinterpret_cast<const char*>(data), size));
    parts.resize(7);
    mqttws::Message msg;
    msg.mqtt_topic = parts[0];
    msg.payload = parts[1];
    msg.qos = size % 3;
    msg.retain = size % 2;
    msg.msgid = "0123456789abcdef";
    if (!parts[2].empty()) msg.content_type = parts[2];
    if (!parts[3].empty()) msg.correlation_data = parts[3];
    if (!parts[4].empty()) msg.response_topic = parts[4];
    if (!parts[5].empty()) msg.user_properties.emplace_back(parts[5], parts[6]);
    msg.message_expiry_interval = static_cast<std::uint32_t>(size);

    mqttws::DecodeOptions options;
    options.reply_topic_prefix = "r/i/";
    if (mqttws::decode_message(msg, options) != mqttws::DecodeResult::ok) return 0;
    FUZZ_CHECK(is_strict_json(mqttws::encode_msg_json(msg)));
    FUZZ_CHECK(is_strict_json(mqttws::encode_message_envelope(msg)));
    if (msg.target_session) {
        FUZZ_CHECK(is_strict_json(mqttws::encode_connection_event(
            "connect", *msg.target_session, msg.topic, msg.mqtt_topic, {msg.payload})));
    }
    return 0;
}
