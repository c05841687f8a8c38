// The MQTT side of fanout, selective, targeted and replay's live stream: one raw MQTT 5
// connection publishing QoS 0 at a steady rate from its own thread, many PUBLISH packets
// per write. It opens and closes the measure window (on its clock, or on request).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_options.hpp"
#include "measure_window.hpp"

namespace mwb::bench {

class RatePublisher {
  public:
    // `targets`: session ids (targeted) — empty otherwise; `devices`: clients (selective).
    RatePublisher(const BenchOptions& options, std::vector<std::string> targets,
                  std::size_t devices, MeasureWindow& window);
    ~RatePublisher();
    RatePublisher(const RatePublisher&) = delete;
    RatePublisher& operator=(const RatePublisher&) = delete;

    bool connect(std::string& error);
    // Before start(): the window opens and closes when MeasureWindow's open_requested and
    // close_requested are set, instead of after --warmup and --duration.
    void window_on_request() { window_on_request_ = true; }
    void start();
    void join();

    std::uint64_t sent() const { return sent_; }
    double cpu_s() const { return cpu_s_; }
    double late_s() const { return late_s_; }

  private:
    void run();
    void append_message(std::string& out, std::uint64_t sequence, std::uint64_t now_ns);

    const BenchOptions& options_;
    std::vector<std::string> targets_;
    std::size_t devices_;
    MeasureWindow& window_;
    int fd_ = -1;
    std::thread thread_;
    std::mt19937_64 random_;
    std::string payload_;
    std::uint64_t sent_ = 0;
    double cpu_s_ = 0;
    double late_s_ = 0;  // longest time the schedule ran behind
    bool window_on_request_ = false;
};

}  // namespace mwb::bench
