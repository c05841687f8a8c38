// Encodes what goes over the wire to clients. Each function runs once per
// message and wire form; the resulting text is shared by every recipient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqttws/message.hpp"

namespace mqttws {

// What a plain client gets with --send payload, as Node-RED's websocket out sends it: bytes in
// a binary frame; text, JSON as published, a JSON string as its text (unquoted); nothing at all
// for an empty text.
struct PayloadFrame {
    std::string data;
    bool binary = false;
};
std::optional<PayloadFrame> encode_payload_frame(const Message& msg);

// The whole msg as JSON (plain mode with --send msg).
std::string encode_msg_json(const Message& msg);
// {"type":"message", ...msg fields...} (protocol mode).
std::string encode_message_envelope(const Message& msg);

// Protocol-mode control frames. `id_json` is the request's id as JSON text
// ("null" when the request had none), echoed back verbatim.
std::string encode_welcome(std::string_view session_id);
std::string encode_ack(std::string_view id_json);
std::string encode_error(std::string_view id_json, std::string_view code, std::string_view message);
std::string encode_status(bool mqtt_connected);
// {"type":"dropped","count":N}: messages a slow client missed (--slow-client drop).
std::string encode_dropped(std::uint64_t count);

// --events-topic payload: {"event":"connect"|"disconnect","session":...,
// "remote":...,"path":...,"subscriptions":[...]}, plus "user" (the token's or JWT's
// subject) when the client authenticated as someone: a backend learns whose session it is.
std::string encode_connection_event(std::string_view event, std::string_view session,
                                    std::string_view remote, std::string_view path,
                                    const std::vector<std::string>& subscriptions,
                                    std::string_view user = {});

}  // namespace mqttws
