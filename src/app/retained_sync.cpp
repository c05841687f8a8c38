#include "app/retained_sync.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace mqttws::app {

RetainedSync::RetainedSync(boost::asio::io_context& control, ws::WsServer& server,
                           std::chrono::milliseconds settle)
    : control_(control),
      server_(server),
      settle_(settle),
      settle_timer_(control),
      expiry_timer_(control) {}

void RetainedSync::link_connected() {
    // Before the link subscribes again, so every retained message the broker
    // sends for the new subscriptions counts as confirmed.
    server_.begin_retained_resync();
    boost::asio::post(control_, [this] {
        ++epoch_;
        resyncing_ = true;
    });
}

void RetainedSync::link_changed(bool up) {
    boost::asio::post(control_, [this, up] {
        if (!resyncing_) return;
        if (up) {
            settle_timer_.expires_after(settle_);
            settle_timer_.async_wait([this, epoch = epoch_](const boost::system::error_code& ec) {
                if (!ec) check_settled(epoch);
            });
            return;
        }
        // Lost again before the broker was done: nothing can be judged; keep
        // what is stored and let replays go on.
        resyncing_ = false;
        settle_timer_.cancel();
        server_.end_retained_resync(false);
    });
}

void RetainedSync::check_settled(std::uint64_t epoch) {
    if (!resyncing_ || epoch != epoch_) return;
    const auto quiet = std::chrono::steady_clock::now() - server_.retained().last_update();
    if (quiet < settle_) {
        settle_timer_.expires_after(settle_ - quiet);
        settle_timer_.async_wait([this, epoch](const boost::system::error_code& ec) {
            if (!ec) check_settled(epoch);
        });
        return;
    }
    resyncing_ = false;
    const std::uint64_t dropped_before = server_.retained().resynced_out();
    server_.end_retained_resync(true);
    if (const auto dropped = server_.retained().resynced_out() - dropped_before) {
        spdlog::info(
            "retained state resynced with the broker: {} topic(s) it no longer holds "
            "dropped",
            dropped);
    }
}

void RetainedSync::start() {
    schedule_expiry();
}

void RetainedSync::stop() {
    settle_timer_.cancel();
    expiry_timer_.cancel();
}

void RetainedSync::schedule_expiry() {
    expiry_timer_.expires_after(std::chrono::seconds(1));
    expiry_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        server_.expire(std::chrono::steady_clock::now());
        schedule_expiry();
    });
}

}  // namespace mqttws::app
