// Turns a broker message into the msg object: payload classification,
// --strip-prefix, and the target session (user property or a Node-RED
// "entire message" payload carrying _session.id).
#pragma once

#include <optional>
#include <string>

#include "mqttws/message.hpp"
#include "mqttws/payload_decoder.hpp"

namespace mqttws {

struct DecodeOptions {
    PayloadMode payload_mode = PayloadMode::auto_detect;
    std::string strip_prefix;
    std::string session_property = "session";
    // "<reply-prefix>/<instance-id>/": a message on <this><session> targets
    // that session (the responseTopic the bridge hands out).
    std::string reply_topic_prefix;
    // "<reply-prefix>/": a message on <this><any instance>/<session> targets
    // that session too, so an answer meant for another instance's client is
    // dropped there as not local instead of reaching this instance's
    // subscribers of '#'. Empty: only reply_topic_prefix targets.
    std::string reply_topics_root;
    // --events-topic: connection events name sessions and users; they are for backends and
    // never reach a client, even one subscribed to '#'.
    std::string events_topic;
};

// other_session_type: a Node-RED msg naming a session of another transport (its
// "_session"."type" is not "websocket"); no client here is its recipient.
enum class DecodeResult { ok, refused_payload, events_topic, other_session_type };

// `msg` arrives with the broker's fields filled in (mqtt_topic, payload, qos,
// retain, v5 properties, msgid); this completes topic, kind and
// target_session in place.
DecodeResult decode_message(Message& msg, const DecodeOptions& options);

// msg.topic for a broker topic: the prefix removed when the topic has it.
std::string strip_topic_prefix(const std::string& mqtt_topic, const std::string& prefix);

}  // namespace mqttws
