#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mwb::it {

// A TCP forwarder on a free 127.0.0.1 port to 127.0.0.1:<target>, run by one thread of its own.
// Lets a test break a client's connection to the broker (cut) without touching either process,
// and keep it broken until restore(): while cut, new connections are accepted and closed at once.
class TcpProxy {
  public:
    explicit TcpProxy(std::uint16_t target_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    std::uint16_t port() const { return port_; }

    // Closes every forwarded connection (both sides see the TCP connection end) and refuses new
    // ones until restore().
    void cut();
    void restore();

    // Connections forwarded so far (accepted while not cut).
    int connections_forwarded() const { return forwarded_.load(); }

  private:
    void run();

    std::uint16_t target_port_;
    std::uint16_t port_ = 0;
    int listen_fd_ = -1;
    int wake_fds_[2] = {-1, -1};  // a pipe: wakes the thread for cut/restore/stop
    std::atomic<bool> cut_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<int> cut_generation_{0};
    std::atomic<int> forwarded_{0};
    std::thread thread_;
};

}  // namespace mwb::it
