// The way back: what a client frame becomes when it is published to MQTT,
// and whether it may be.
#pragma once

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

}  // namespace mqttws
