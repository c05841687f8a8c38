// Classifies an MQTT payload per --payload (README, Payloads), the way
// Node-RED's mqtt-in node does with "auto-detect".
#pragma once

#include <optional>
#include <string_view>

#include "mqttws/message.hpp"

namespace mqttws {

enum class PayloadMode { auto_detect, string, json, binary };

// nullopt: the payload is refused (mode json and it does not parse); the
// caller drops and counts it.
std::optional<PayloadKind> classify_payload(std::string_view payload, PayloadMode mode,
                                            std::optional<std::string_view> content_type);

// True for application/json and any */*+json media type, parameters ignored.
bool is_json_content_type(std::string_view content_type);

bool is_json_text(std::string_view text);

std::optional<PayloadMode> parse_payload_mode(std::string_view name);

}  // namespace mqttws
