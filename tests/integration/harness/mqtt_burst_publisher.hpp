#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "harness/deadline.hpp"

namespace mwb::it {

// An MQTT 3.1.1 client written by hand over a blocking TCP socket to 127.0.0.1, for bursts: all
// the messages of a burst are encoded into one buffer and handed to the kernel in one go, so the
// broker reads them back to back and forwards them to its subscribers as fast as it can (a Paho
// client waiting for each publish spaces them out by a thread hand-off each). QoS 0 only. Not
// thread-safe: one test thread drives it.
class MqttBurstPublisher {
  public:
    // Connects (clean session, no keep-alive) and waits for the CONNACK; throws on failure.
    explicit MqttBurstPublisher(std::uint16_t broker_port,
                                const Deadline& deadline = std::chrono::seconds(10));
    // Sends DISCONNECT and closes the socket.
    ~MqttBurstPublisher();
    MqttBurstPublisher(const MqttBurstPublisher&) = delete;
    MqttBurstPublisher& operator=(const MqttBurstPublisher&) = delete;

    // Sends every (topic, payload) as a QoS 0 PUBLISH, in order, in one write, then a PINGREQ,
    // and waits for the PINGRESP: the broker handles a connection's packets in order, so it has
    // then handled (and forwarded) the whole burst. Throws on failure or at the deadline.
    void publish_burst(const std::vector<std::pair<std::string, std::string>>& messages,
                       const Deadline& deadline = std::chrono::seconds(10));

  private:
    void send_all(const std::string& bytes, const Deadline& deadline);
    // Reads exactly `size` bytes; throws on EOF, error or deadline.
    std::string read_exactly(std::size_t size, const Deadline& deadline);

    int fd_ = -1;
};

}  // namespace mwb::it
