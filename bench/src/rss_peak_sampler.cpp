#include "rss_peak_sampler.hpp"

#include <algorithm>

namespace mwb::bench {

void RssPeakSampler::take() {
    const ProcSample sample = sample_();
    peak_kib_ = std::max(peak_kib_, sample.rss_kib);
    complete_ = complete_ && sample.complete;
    ++samples_;
}

void RssPeakSampler::start() {
    std::unique_lock<std::mutex> lock(mutex_);
    take();
    thread_ = std::thread([this] {
        std::unique_lock<std::mutex> lock(mutex_);
        // The wait ends at the interval (take a sample) or at stop(), whichever is first.
        while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) take();
    });
}

void RssPeakSampler::stop() {
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!thread_.joinable() || stopping_) return;
        stopping_ = true;
        take();
    }
    wake_.notify_all();
    thread_.join();
}

}  // namespace mwb::bench
