// The peak resident memory of the measured processes over a window: a peak between two
// samples at the window's ends (a replay's buffers fill and drain) is invisible to them.
// A thread samples every `interval` until stop(); start() and stop() also sample, so the
// peak is never below either end. The sample function is injected so tests need no /proc.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "proc_stats.hpp"

namespace mwb::bench {

class RssPeakSampler {
  public:
    RssPeakSampler(std::function<ProcSample()> sample, std::chrono::milliseconds interval)
        : sample_(std::move(sample)), interval_(interval) {}
    ~RssPeakSampler() { stop(); }
    RssPeakSampler(const RssPeakSampler&) = delete;
    RssPeakSampler& operator=(const RssPeakSampler&) = delete;

    void start();
    void stop();

    // After stop(): the largest RSS sum seen, how many samples, and whether every sample
    // read every process.
    unsigned long long peak_kib() const { return peak_kib_; }
    std::uint64_t samples() const { return samples_; }
    bool complete() const { return complete_; }

  private:
    void take();  // under mutex_

    std::function<ProcSample()> sample_;
    std::chrono::milliseconds interval_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    unsigned long long peak_kib_ = 0;
    std::uint64_t samples_ = 0;
    bool complete_ = true;
};

}  // namespace mwb::bench
