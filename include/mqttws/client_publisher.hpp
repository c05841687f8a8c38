// The way back: what the WebSocket side needs to publish a client's message
// to MQTT. Implemented by the MQTT adapter; the WebSocket side holds only this
// interface, so neither adapter includes the other. Completion may run on any
// thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace mqttws {

struct ClientPublish {
    std::string topic;  // MQTT topic, prefix already applied
    std::string payload;
    int qos = 0;
    bool retain = false;
    std::string session_id;  // the sender
    bool broadcast = false;  // publish without the session property
    std::optional<std::string> correlation_data;
};

enum class PublishOutcome { published, not_connected, failed };

using PublishDone = std::function<void(PublishOutcome, std::string detail)>;

class ClientPublisher {
  public:
    virtual ~ClientPublisher() = default;
    virtual void publish(ClientPublish request, PublishDone done) = 0;
    // A connection event (JSON) for --events-topic; ignored when unset.
    virtual void publish_event(std::string json) = 0;
    // Whether a publish reaches the broker with the session, responseTopic and correlationData
    // (MQTT 5): without them a backend cannot answer a request.
    virtual bool carries_request_properties() const { return true; }
};

}  // namespace mqttws
