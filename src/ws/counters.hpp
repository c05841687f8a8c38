// Role: metrics. What the WebSocket side counts. Each shard writes only its own Counters
// (relaxed atomics: no lock and no shared cache line per delivery), and
// WsServer one more for what it routes on the MQTT thread; /metrics sums them.
#pragma once

#include "mqttws/counter.hpp"
#include "mqttws/latency_histogram.hpp"

namespace mqttws::ws {

struct Counters {
    using Counter = mqttws::Counter;

    Counter connections_accepted{0};
    Counter refused_not_found{0};
    Counter refused_bad_request{0};
    Counter refused_shutting_down{0};
    Counter refused_too_many{0};
    Counter refused_unauthorized{0};
    Counter refused_forbidden{0};
    Counter refused_origin{0};
    Counter refused_out_of_descriptors{0};
    Counter clients{0};  // gauge: open or opening connections
    Counter deliveries{0};
    Counter bytes_out{0};
    Counter dropped_unknown_session{0};  // also counted by WsServer's own routing
    Counter closed_slow{0};
    Counter dropped_slow{0};
    // Deliveries a client's ACL forbids; messages targeted at a session
    // another instance holds (shared topics at scale; WsServer's routing).
    Counter dropped_acl{0};
    Counter dropped_not_local{0};
    Counter publish_ok{0};
    // Client publishes refused, by reason: --allow-publish or permissions (and reply topics,
    // payloads naming a session); a frame or field that is not valid; a request on MQTT 3.1.1.
    Counter publish_refused_not_allowed{0};
    Counter publish_refused_invalid{0};
    Counter publish_refused_not_supported{0};
    Counter publish_failed{0};
    Counter protocol_errors{0};
    // Subscriptions that passed back positions ("since"): given all they
    // missed, or told recovered: false.
    Counter recoveries_succeeded{0};
    Counter recoveries_failed{0};
    Counter subscriptions{0};  // gauge
    // Broker arrival to the frame handed to the connection, per delivery.
    LatencyHistogram delivery_latency;
};

using mqttws::bump;

}  // namespace mqttws::ws
