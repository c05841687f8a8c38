// What the MQTT link counts: written by Paho's callback thread only, read by
// /metrics.
#pragma once

#include "mqttws/counter.hpp"

namespace mqttws::mqtt {

struct LinkCounters {
    Counter messages{0};              // received from the broker
    Counter dropped_payload{0};       // refused by --payload json
    Counter dropped_too_large{0};     // over --max-payload
    Counter dropped_events{0};        // on --events-topic: for backends only
    Counter dropped_session_type{0};  // a Node-RED msg for a session of another transport
    Counter reconnects{0};            // link re-established after a loss
};

}  // namespace mqttws::mqtt
