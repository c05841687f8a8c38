// Role: descriptor reserve (see descriptor_reserve.hpp).
#include "ws/descriptor_reserve.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace mqttws::ws {

namespace {

int open_spare() {
    return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace

DescriptorReserve::DescriptorReserve(std::size_t size) : size_(size) {
    for (std::size_t i = 0; i < size_; ++i) {
        const int fd = open_spare();
        if (fd < 0) break;
        held_.push_back(fd);
    }
    size_ = held_.size();
}

DescriptorReserve::~DescriptorReserve() {
    for (const int fd : held_) ::close(fd);
}

bool DescriptorReserve::lend() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (held_.empty()) return false;
    ::close(held_.back());
    held_.pop_back();
    missing_.fetch_add(1);
    return true;
}

bool DescriptorReserve::refill() {
    if (missing_.load(std::memory_order_relaxed) == 0) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    while (held_.size() < size_) {
        const int fd = open_spare();
        if (fd < 0) break;
        held_.push_back(fd);
        missing_.fetch_sub(1);
    }
    return held_.size() == size_;
}

bool DescriptorReserve::begin_shortage() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (short_.load()) return false;
    short_.store(true);
    refused_ = 0;
    began_ = std::chrono::steady_clock::now();
    return true;
}

void DescriptorReserve::count_refusal() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++refused_;
}

std::optional<std::uint64_t> DescriptorReserve::end_shortage(
    std::chrono::steady_clock::duration& lasted) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!short_.load()) return std::nullopt;
    short_.store(false);
    lasted = std::chrono::steady_clock::now() - began_;
    return refused_;
}

}  // namespace mqttws::ws
