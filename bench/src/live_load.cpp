#include "live_load.hpp"

#include "mono_clock.hpp"

namespace mwb::bench {
namespace {

BenchOptions live_options(const BenchOptions& options) {
    BenchOptions live = options;
    live.clients = options.live_clients;
    live.urls = options.live_urls;
    return live;
}

}  // namespace

LiveLoad::LiveLoad(const BenchOptions& options)
    : options_(live_options(options)),
      fleet_(options_, window_),
      publisher_(options_, {}, options_.clients, window_) {}

LiveLoad::~LiveLoad() {
    finish();
}

bool LiveLoad::start(std::string& error) {
    connected_ = fleet_.connect_all();
    if (connected_.opened < options_.clients) {
        error = "live clients: " + std::to_string(connected_.opened) + " of " +
                std::to_string(options_.clients) + " connected (" + connected_.first_error + ")";
        return false;
    }
    if (!publisher_.connect(error)) {
        error = "live publisher: " + error;
        return false;
    }
    publisher_.window_on_request();
    publisher_.start();
    receiver_ = std::thread([this] { receive(); });
    return true;
}

void LiveLoad::receive() {
    const auto drain_ns = static_cast<std::uint64_t>(options_.drain_s * 1e9);
    fleet_.run([&](std::uint64_t now) {
        if (!flowing_.load(std::memory_order_relaxed) && fleet_.frames_received() > 0) {
            flowing_.store(true);
        }
        const std::uint64_t end_seq = window_.end_seq.load();
        if (end_seq == MeasureWindow::kUnset) return false;
        expected_ = (end_seq - window_.first_seq.load()) * fleet_.open_clients();
        return fleet_.counts().unique() >= expected_ || now >= window_.end_ns.load() + drain_ns;
    });
}

void LiveLoad::finish() {
    // Also opens an unopened window (empty), so the publisher always stops.
    window_.close_requested.store(true);
    publisher_.join();
    if (receiver_.joinable()) receiver_.join();
}

LiveResult LiveLoad::result() const {
    LiveResult result;
    result.connected = connected_;
    const std::uint64_t first = window_.first_seq.load();
    const std::uint64_t end = window_.end_seq.load();
    if (first != MeasureWindow::kUnset && end != MeasureWindow::kUnset) {
        result.messages = end - first;
        result.window_s =
            static_cast<double>(window_.end_ns.load() - window_.start_ns.load()) * 1e-9;
    }
    result.expected = expected_;
    result.deliveries = fleet_.counts().unique();
    result.lost = result.expected > result.deliveries ? result.expected - result.deliveries : 0;
    result.duplicates = fleet_.counts().duplicates;
    result.reordered = fleet_.counts().reordered;
    result.closed_by_peer = fleet_.closed_by_peer();
    result.publisher_late_s = publisher_.late_s();
    result.sender_failed = window_.sender_failed.load();
    return result;
}

}  // namespace mwb::bench
