#pragma once

#include <cstdint>

#include "harness/deadline.hpp"

namespace mwb::it {

// TCP ports on 127.0.0.1: find a free one, probe whether one accepts connections.
class LoopbackPort {
  public:
    // Binds 127.0.0.1:0, reads the port the kernel chose, closes the socket.
    static std::uint16_t find_free();

    // True when a TCP connect to 127.0.0.1:port succeeds right now.
    static bool accepts_connection(std::uint16_t port);

    // Polls until `port` accepts connections (true), or until the process that should listen on
    // it has exited or the deadline passed (false).
    // `running()` tells whether that process still runs.
    template <class Running>
    static bool wait_accepting(std::uint16_t port, Running&& running, const Deadline& deadline) {
        bool exited = false;
        const bool up = deadline.poll_until([&] {
            exited = !running();
            return exited || accepts_connection(port);
        });
        return up && !exited;
    }

    // True when 127.0.0.1:port could be bound right now (nobody listens on it).
    static bool is_bindable(std::uint16_t port);

    // True when every TCP socket listening on `port` (any IPv4/IPv6 address) belongs to
    // process `pid`, per /proc/net/tcp{,6} and /proc/<pid>/fd. Two processes that both set
    // SO_REUSEPORT can listen on the same port and split its connections: this detects a
    // parallel test's bridge that was handed the same "free" port.
    static bool only_listener_is(std::uint16_t port, int pid);
};

}  // namespace mwb::it
