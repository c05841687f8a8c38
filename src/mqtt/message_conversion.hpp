// Paho message -> msg fields. The only place that knows Paho's message type.
#pragma once

#include <mqtt/message.h>

#include "mqttws/message.hpp"

namespace mqttws::mqtt {

// Copies topic, payload, QoS, retain and the v5 properties; decoding is the
// core's job (decode_message).
Message from_paho(const ::mqtt::message& in);

}  // namespace mqttws::mqtt
