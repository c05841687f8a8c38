// The N receiving clients on one epoll loop: WebSocket clients of a bridge (or native MQTT
// subscribers of a broker), non-blocking sockets spread over 127.0.0.x source addresses.
// One read per readable event takes every frame queued, so the cost per message is a
// frame header parse, a stamp decode and a histogram bump. In roundtrip mode the loop is
// also the sender: each message leaves from the next client in turn. In replay mode every
// frame goes to a ReplayProgress (in recovery mode, to a frame sink) instead of the latency
// and delivery counts; in recovery mode the clients also speak the bridge's protocol.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench_options.hpp"
#include "delivery_tally.hpp"
#include "latency_histogram.hpp"
#include "measure_window.hpp"
#include "rate_schedule.hpp"
#include "replay_progress.hpp"

namespace mwb::bench {

struct ConnectResult {
    std::size_t opened = 0;
    std::size_t failed = 0;
    double seconds = 0;
    std::string first_error;
};

class ClientFleet {
  public:
    ClientFleet(const BenchOptions& options, MeasureWindow& window);
    ~ClientFleet();
    ClientFleet(const ClientFleet&) = delete;
    ClientFleet& operator=(const ClientFleet&) = delete;

    // Opens every client (at most --connect-concurrency at once) and waits until each is
    // ready (101 received, or SUBACK for native MQTT), failed, or --connect-timeout passed.
    ConnectResult connect_all();
    // Session ids of the open clients (the bridge's X-Session-Id).
    std::vector<std::string> session_ids() const;

    // Runs the loop until `done(now_ns)` is true (checked at least every 5 ms).
    void run(const std::function<bool(std::uint64_t)>& done);
    // The roundtrip sender: run() also sends at --rate from the open clients in turn.
    void enable_sending() { sending_ = true; }
    // Replay: before connect_all(), hands every frame to `progress` (client i is index i);
    // the MeasureWindow is then unused.
    void count_replay(ReplayProgress& progress) {
        sink_ = [&progress](std::size_t index, std::string_view payload, std::uint64_t now_ns) {
            progress.record(index, payload, now_ns);
        };
    }
    // Before connect_all(): every frame goes to `sink` (client i is index i).
    using FrameSink = std::function<void(std::size_t, std::string_view, std::uint64_t)>;
    void count_frames(FrameSink sink) { sink_ = std::move(sink); }
    // Before connect_all(): the clients ask for `subprotocol`, and client i sends the text
    // frame `first_request(i)` as soon as its handshake is answered.
    void speak_protocol(std::string subprotocol,
                        std::function<std::string(std::size_t)> first_request) {
        subprotocol_ = std::move(subprotocol);
        first_request_ = std::move(first_request);
    }

    const TallyCounts& counts() const { return counts_; }
    const LatencyHistogram& histogram() const { return histogram_; }
    std::uint64_t frames_received() const { return frames_received_; }
    std::uint64_t unparsed_frames() const { return unparsed_; }
    std::uint64_t closed_by_peer() const { return closed_by_peer_; }
    std::uint64_t sent() const { return send_sequence_; }
    std::size_t open_clients() const { return open_; }

  private:
    enum class State : std::uint8_t { Idle, Connecting, Handshaking, Open, Closed };
    struct Client {
        int fd = -1;
        State state = State::Idle;
        DeliveryTally tally;
        std::string pending_in;   // a partial frame left from the last read
        std::string pending_out;  // roundtrip: the rest of a frame the socket did not take
        std::string session_id;
    };

    bool start_connect(std::size_t index, std::string& error);
    void handle_event(std::size_t index, std::uint32_t events, std::uint64_t now_ns);
    void on_writable_connect(std::size_t index);
    void on_readable(std::size_t index, std::uint64_t now_ns);
    std::size_t consume_ws(std::size_t index, std::string_view data, std::uint64_t now_ns);
    std::size_t consume_mqtt(std::size_t index, std::string_view data, std::uint64_t now_ns);
    void on_payload(std::size_t index, std::string_view payload, std::uint64_t now_ns);
    void mark_open(std::size_t index);
    void fail(std::size_t index, const std::string& why);
    void close_client(std::size_t index);
    void send_due(std::uint64_t now_ns);
    bool flush_pending_out(Client& client);
    int poll(int timeout_ms);

    const BenchOptions& options_;
    MeasureWindow& window_;
    int epoll_fd_ = -1;
    std::vector<Client> clients_;
    std::vector<char> read_buffer_;
    std::vector<std::size_t> open_indices_;
    std::size_t open_ = 0;
    std::size_t in_flight_ = 0;
    std::size_t failed_ = 0;
    std::string first_error_;
    std::uint64_t first_seq_ = MeasureWindow::kUnset;  // cached per poll round
    TallyCounts counts_;
    LatencyHistogram histogram_;
    std::uint64_t frames_received_ = 0;
    std::uint64_t unparsed_ = 0;
    std::uint64_t closed_by_peer_ = 0;
    FrameSink sink_;
    std::string subprotocol_;
    std::function<std::string(std::size_t)> first_request_;

    bool sending_ = false;
    std::uint64_t send_sequence_ = 0;
    std::size_t next_sender_ = 0;
    std::string send_payload_;
    std::string send_frame_;
    std::optional<RateSchedule> schedule_;
    std::optional<WindowTracker> tracker_;
    bool send_window_closed_ = false;
};

}  // namespace mwb::bench
