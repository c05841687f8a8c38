// Role: protocol ops. What a client's frames ask for: in protocol mode
// (mqtt-ws-bridge.v1) the ops subscribe, unsubscribe, ping and publish, each
// answered with an ack or an error; in plain mode a frame is a publish to
// --inbound-topic. Publishing needs both --allow-publish and the client's own
// permissions; the broker's answer comes back on the shard's thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mqttws/client_publisher.hpp"
#include "mqttws/client_request.hpp"
#include "ws/counters.hpp"
#include "ws/delivery.hpp"
#include "ws/ws_options.hpp"

namespace mqttws::ws {

class ProtocolOps {
  public:
    // Runs a function on the shard's thread, in order with its deliveries.
    using ShardRunner = std::function<void(std::function<void()>)>;

    ProtocolOps(const WsOptions& options, Counters& counters, Delivery& delivery,
                ClientPublisher* publisher, ShardRunner run_on_shard);

    // One frame from `session` (text or binary).
    void on_frame(Session& session, const std::string& payload, bool binary);

  private:
    void on_request(Session& session, const std::string& frame);
    void on_subscribe(Session& session, const ClientRequest& request);
    void on_plain_frame(Session& session, const std::string& frame, bool binary);
    // `id_json` set: a protocol-mode op to answer; unset: a plain-mode frame.
    void publish(Session& session, PublishRequest request, std::optional<std::string> id_json);
    // Counts a refused publish by reason and tells the client when it can take an error frame.
    void refuse(Session& session, const RequestError& error,
                const std::optional<std::string>& id_json);
    void answer_publish(ClientId id, const std::optional<std::string>& id_json,
                        PublishOutcome outcome, const std::string& detail);

    const WsOptions& options_;
    Counters& counters_;
    Delivery& delivery_;
    ClientPublisher* publisher_;
    ShardRunner run_on_shard_;
};

}  // namespace mqttws::ws
