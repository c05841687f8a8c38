// Role: descriptor reserve. When accept() fails because the process is out of
// file descriptors (EMFILE, or ENFILE for the whole system), the waiting
// connection stays in the listener's backlog, the listener stays readable,
// and an accept loop that simply tries again spins. So a few descriptors are
// held open on /dev/null: a shard short of descriptors closes one, accepts
// the waiting connection on its number and still answers it (a WebSocket
// upgrade with 503, /healthz and /metrics as usual); the number comes back to
// the reserve when that connection is destroyed. With every reserved
// descriptor out, the shard waits on a timer instead of retrying at once.
//
// One reserve per process, shared by the shards; it also keeps the shortage
// as one episode, so it is logged once when it begins and once when it ends.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace mqttws::ws {

class DescriptorReserve {
  public:
    // Opens `size` descriptors; fewer if the process has no more, and then
    // that many make the whole reserve.
    explicit DescriptorReserve(std::size_t size);
    ~DescriptorReserve();
    DescriptorReserve(const DescriptorReserve&) = delete;
    DescriptorReserve& operator=(const DescriptorReserve&) = delete;

    // Closes one held descriptor so that the next accept can take its number;
    // false when none is held.
    bool lend();
    // Reopens what was lent, as far as descriptors are free again; true when
    // the reserve is whole.
    bool refill();

    // The shortage episode, over every shard. begin: true for the call that
    // began one. end: the refusals counted during the episode, for the call
    // that ended it.
    bool begin_shortage();
    bool in_shortage() const { return short_.load(std::memory_order_relaxed); }
    void count_refusal();
    std::optional<std::uint64_t> end_shortage(std::chrono::steady_clock::duration& lasted);

  private:
    std::size_t size_;
    std::atomic<std::size_t> missing_{0};
    std::atomic<bool> short_{false};
    std::mutex mutex_;
    std::vector<int> held_;
    std::uint64_t refused_ = 0;
    std::chrono::steady_clock::time_point began_;
};

}  // namespace mqttws::ws
