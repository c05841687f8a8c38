// Replay's live stream: --live-clients WebSocket clients on --live-url and a publisher at
// --rate to <prefix>/live/<n>, measured like fanout (latency, loss, order) over a window
// the replay opens and closes. The clients run their loop on their own thread, so they
// keep measuring while the main thread is busy with the replaying clients.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "bench_options.hpp"
#include "client_fleet.hpp"
#include "measure_window.hpp"
#include "rate_publisher.hpp"

namespace mwb::bench {

// What the live clients saw in the window.
struct LiveResult {
    ConnectResult connected;
    std::uint64_t messages = 0;
    std::uint64_t expected = 0;
    std::uint64_t deliveries = 0;
    std::uint64_t lost = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t reordered = 0;
    std::uint64_t closed_by_peer = 0;
    double window_s = 0;
    double publisher_late_s = 0;
    bool sender_failed = false;
};

class LiveLoad {
  public:
    explicit LiveLoad(const BenchOptions& options);
    ~LiveLoad();  // finish() if it was not called
    LiveLoad(const LiveLoad&) = delete;
    LiveLoad& operator=(const LiveLoad&) = delete;

    // Connects the clients and the publisher, then publishes and receives (not measured
    // until open_window()). False with `error` when a client or the publisher failed.
    bool start(std::string& error);
    const ConnectResult& connected() const { return connected_; }
    // True once a message has reached a live client: the stream flows end to end.
    bool flowing() const { return flowing_.load(); }
    void open_window() { window_.open_requested.store(true); }
    // Closes the window and waits for the receiving thread, which gives late deliveries
    // at most --drain.
    void finish();

    // After finish().
    LiveResult result() const;
    const LatencyHistogram& histogram() const { return fleet_.histogram(); }

  private:
    void receive();

    BenchOptions options_;  // --live-clients on --live-url; the fleet keeps a reference
    MeasureWindow window_;
    ClientFleet fleet_;
    RatePublisher publisher_;
    ConnectResult connected_;
    std::thread receiver_;
    std::atomic<bool> flowing_{false};
    std::uint64_t expected_ = 0;
};

}  // namespace mwb::bench
