// The roundtrip scenario's backend: an MQTT 5 client subscribed to the bridge's inbound
// topic that publishes every payload back to the message's responseTopic, the way an
// application answers one client through the bridge.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "bench_options.hpp"

namespace mwb::bench {

class EchoBackend {
  public:
    explicit EchoBackend(const BenchOptions& options) : options_(options) {}
    ~EchoBackend();
    EchoBackend(const EchoBackend&) = delete;
    EchoBackend& operator=(const EchoBackend&) = delete;

    // Connects and subscribes (waits for the SUBACK), then answers from its own thread.
    bool start(std::string& error);
    void stop();

    std::uint64_t echoed() const { return echoed_.load(); }
    std::uint64_t without_response_topic() const { return without_response_topic_.load(); }

  private:
    void run();

    const BenchOptions& options_;
    int fd_ = -1;
    std::thread thread_;
    std::string pending_;  // bytes read after the SUBACK
    std::atomic<std::uint64_t> echoed_{0};
    std::atomic<std::uint64_t> without_response_topic_{0};
};

}  // namespace mwb::bench
