#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "harness/deadline.hpp"

namespace mwb::it {

// VmRSS of `pid` once it has stopped moving: the largest of the last few samples, taken
// once they span at least 400 ms and differ by at most 256 KiB (or, at the deadline, the
// largest recent sample). The polling interval only paces a measurement.
std::uint64_t settled_rss(pid_t pid, const Deadline& deadline);

// Samples a process's VmRSS on a thread of its own until stopped and keeps the largest value seen.
// The pause between samples is the sampling period of a measurement, not a synchronisation.
class RssSampler {
  public:
    explicit RssSampler(pid_t pid);
    ~RssSampler();
    RssSampler(const RssSampler&) = delete;
    RssSampler& operator=(const RssSampler&) = delete;

    // Takes one last sample and stops; idempotent.
    void stop();
    std::uint64_t peak() const { return peak_.load(); }
    std::uint64_t samples() const { return samples_.load(); }

  private:
    void run();
    void sample();

    pid_t pid_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> peak_{0};
    std::atomic<std::uint64_t> samples_{0};
    std::thread thread_;
};

}  // namespace mwb::it
