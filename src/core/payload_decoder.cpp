#include "mqttws/payload_decoder.hpp"

#include <rapidjson/reader.h>

#include <cctype>

#include "mqttws/utf8.hpp"

namespace mqttws {

namespace {

std::string lower_trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Node-RED's mqtt in decodes these content types (the whole value lowercased, parameters
// included) as its table says, whatever the payload looks like; any other type is auto-detected.
std::optional<PayloadKind> node_red_media_type(std::string_view content_type) {
    static constexpr std::string_view text_types[] = {"text/css", "text/html", "text/plain",
                                                      "application/xml"};
    static constexpr std::string_view byte_types[] = {"application/octet-stream",
                                                      "application/pdf",
                                                      "application/x-gtar",
                                                      "application/x-gzip",
                                                      "application/x-tar",
                                                      "application/zip",
                                                      "audio/aac",
                                                      "audio/ac3",
                                                      "audio/basic",
                                                      "audio/mp4",
                                                      "audio/ogg",
                                                      "image/bmp",
                                                      "image/gif",
                                                      "image/jpeg",
                                                      "image/tiff",
                                                      "image/png"};
    std::string type(content_type);
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto text : text_types) {
        if (type == text) return PayloadKind::string;
    }
    for (const auto bytes : byte_types) {
        if (type == bytes) return PayloadKind::binary;
    }
    return std::nullopt;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
    const std::string type = lower_trimmed(content_type.substr(0, content_type.find(';')));
    if (type == "application/json") return true;
    const std::size_t slash = type.find('/');
    return slash != std::string::npos && type.size() > 5 &&
           type.compare(type.size() - 5, 5, "+json") == 0;
}

bool is_json_text(std::string_view text) {
    // A SAX pass with no handler work: validates without building a DOM.
    rapidjson::BaseReaderHandler<> handler;
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(text.data(), text.size());
    constexpr unsigned flags = rapidjson::kParseValidateEncodingFlag |
                               rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
    if (!reader.Parse<flags>(stream, handler)) return false;
    // kParseStopWhenDoneFlag stops after the value; only whitespace may follow.
    for (std::size_t i = stream.Tell(); i < text.size(); ++i) {
        const char c = text[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
    }
    return true;
}

std::optional<PayloadKind> classify_payload(std::string_view payload, PayloadMode mode,
                                            std::optional<std::string_view> content_type) {
    switch (mode) {
        case PayloadMode::binary:
            return PayloadKind::binary;
        case PayloadMode::string:
            return is_valid_utf8(payload) ? PayloadKind::string : PayloadKind::binary;
        case PayloadMode::json:
            if (is_json_text(payload)) return PayloadKind::json;
            return std::nullopt;
        case PayloadMode::auto_detect:
            break;
    }
    if (content_type && is_json_content_type(*content_type) && is_json_text(payload)) {
        return PayloadKind::json;
    }
    if (!is_valid_utf8(payload)) return PayloadKind::binary;
    if (content_type) {
        if (const auto kind = node_red_media_type(*content_type)) return *kind;
    }
    return is_json_text(payload) ? PayloadKind::json : PayloadKind::string;
}

std::optional<PayloadMode> parse_payload_mode(std::string_view name) {
    if (name == "auto") return PayloadMode::auto_detect;
    if (name == "string") return PayloadMode::string;
    if (name == "json") return PayloadMode::json;
    if (name == "binary") return PayloadMode::binary;
    return std::nullopt;
}

}  // namespace mqttws
