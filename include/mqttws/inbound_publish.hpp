// The way back: what a client frame becomes when it is published to MQTT,
// and whether it may be.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mqttws/client_request.hpp"

namespace mqttws {

struct InboundOptions {
    std::string topic_template = "mqtt-ws-bridge/in/{session}";  // --inbound-topic
    bool msg_mode = false;                                       // --send msg
    std::vector<std::string> allow_publish;                      // filters on MQTT topics
    std::string strip_prefix;                                    // added back on publish
    // "<reply-prefix>/": every instance's reply topics, which reach their session past its
    // permissions, so only backends may publish there.
    std::string reply_topics_root;
};

// "{session}" replaced by the session id.
std::string expand_topic_template(std::string_view topic_template, std::string_view session);

// A plain-mode frame as a publish request (topic in msg.topic form). With
// --send msg the frame must be a JSON msg object whose "topic" may choose
// and whose "payload" is what is published.
std::variant<PublishRequest, RequestError> plain_frame_to_publish(std::string_view frame,
                                                                  bool binary,
                                                                  std::string_view session,
                                                                  const InboundOptions& options);

// The MQTT topic for a client topic, or the reason it may not be published.
std::variant<std::string, RequestError> authorize_publish(const std::string& topic,
                                                          const InboundOptions& options);

// Why a client may not publish this payload: it names a session (read_session_msg), so coming
// back from the broker without the publisher's session property it would be delivered to that
// session, with whatever topic it claims. nullopt when it may.
std::optional<RequestError> refuse_session_payload(std::string_view payload);

}  // namespace mqttws
