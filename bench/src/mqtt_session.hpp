// A blocking MQTT 5 connection for the publisher and the echo backend: CONNECT, wait for
// a successful CONNACK (5 s at most), then the caller owns the socket.
#pragma once

#include <string>

#include "bench_options.hpp"
#include "mqtt_codec.hpp"

namespace mwb::bench {

// The socket, or -1 with `error` set.
int open_mqtt_session(const Endpoint& broker, const std::string& client_id, std::string& error);

// Reads (5 s at most) until the first packet is complete; true when it is of `type` and,
// for CONNACK, successful. Bytes after it stay in `buffer`.
bool await_packet(int fd, MqttPacketType type, std::string& buffer);

}  // namespace mwb::bench
