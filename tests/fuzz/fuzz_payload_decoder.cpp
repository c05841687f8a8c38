// Payload classification in every mode: JSON means parseable JSON, string
// means valid UTF-8.
#include "fuzz_check.hpp"
#include "mqttws/payload_decoder.hpp"
#include "mqttws/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    using mqttws::PayloadKind;
    using mqttws::PayloadMode;
    for (auto mode :
         {PayloadMode::auto_detect, PayloadMode::string, PayloadMode::json, PayloadMode::binary}) {
        for (auto type : {std::optional<std::string_view>(),
                          std::optional<std::string_view>("application/json")}) {
            const auto kind = mqttws::classify_payload(payload, mode, type);
            if (!kind) {
                FUZZ_CHECK(mode == PayloadMode::json);
                continue;
            }
            if (*kind == PayloadKind::json) FUZZ_CHECK(is_strict_json(payload));
            if (*kind == PayloadKind::string) FUZZ_CHECK(mqttws::is_valid_utf8(payload));
        }
    }
    return 0;
}
