#include "log/async_line_sink.hpp"

#include <poll.h>
#include <pthread.h>
#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>

namespace mqttws::log {

namespace {

std::atomic<std::uint64_t> dropped_total{0};

// How long the writer waits for the descriptor to take bytes before it
// checks again whether it must give up.
constexpr int poll_interval_ms = 50;

// Writes of at most PIPE_BUF bytes to a pipe that polled writable do not
// block: the writer can always notice that it must give up.
constexpr std::size_t chunk_bytes = PIPE_BUF;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::uint64_t dropped_lines() {
    return dropped_total.load(std::memory_order_relaxed);
}

AsyncLineSink::AsyncLineSink(int fd, std::size_t max_queued_bytes)
    : fd_(fd), max_queued_bytes_(max_queued_bytes) {
    // The writer takes no signals at all: it inherits a full mask, so no signal meant for the
    // process (SIGTERM once its handler is gone, SIGPIPE from a vanished reader) lands here.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    writer_ = std::thread([this] { run(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

AsyncLineSink::~AsyncLineSink() {
    close(default_close_bound);
}

void AsyncLineSink::close(std::chrono::milliseconds bound) {
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        if (!closing_) {
            closing_ = true;
            give_up_at_.store(
                now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(bound).count(),
                std::memory_order_relaxed);
        }
    }
    wake_.notify_all();
    if (writer_.joinable()) writer_.join();
}

void AsyncLineSink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line(formatted.data(), formatted.size());
    bool wake = false;
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        if (closing_ || queued_bytes_ + line.size() > max_queued_bytes_) {
            ++dropped_;
            dropped_total.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        wake = queue_.empty();
        queued_bytes_ += line.size();
        queue_.push_back(std::move(line));
    }
    if (wake) wake_.notify_one();
}

void AsyncLineSink::run() {
    // A reader of stderr that went away costs log lines, not the process: SIGPIPE is blocked
    // here (see the constructor), so the write fails with EPIPE instead.
    std::unique_lock<std::mutex> lock(queue_mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;
        std::deque<std::string> batch;
        batch.swap(queue_);
        // Drops so far happened after the last line of this batch was queued.
        const std::uint64_t dropped_before = dropped_;
        lock.unlock();

        std::size_t batch_bytes = 0;
        std::uint64_t lost = 0;
        std::string chunk;
        std::size_t chunk_lines = 0;
        auto write_chunk = [&] {
            if (lost > 0 || !write_all(chunk)) lost += chunk_lines;
            chunk.clear();
            chunk_lines = 0;
        };
        for (const std::string& line : batch) {
            batch_bytes += line.size();
            if (!chunk.empty() && chunk.size() + line.size() > chunk_bytes) write_chunk();
            chunk += line;
            ++chunk_lines;
        }
        write_chunk();
        if (lost == 0 && dropped_before > noted_) {
            write_all(dropped_note(dropped_before - noted_));
            noted_ = dropped_before;
        }

        lock.lock();
        queued_bytes_ -= batch_bytes;
        if (lost > 0) {
            dropped_ += lost;
            dropped_total.fetch_add(lost, std::memory_order_relaxed);
        }
        if (giving_up()) {
            dropped_ += queue_.size();
            dropped_total.fetch_add(queue_.size(), std::memory_order_relaxed);
            queue_.clear();
            queued_bytes_ = 0;
            return;
        }
    }
}

bool AsyncLineSink::giving_up() const {
    return now_ns() >= give_up_at_.load(std::memory_order_relaxed);
}

bool AsyncLineSink::write_all(const std::string& text) {
    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        if (giving_up()) return false;
        pollfd ready{fd_, POLLOUT, 0};
        const int polled = ::poll(&ready, 1, poll_interval_ms);
        if (polled < 0 && errno != EINTR) return false;
        if (polled <= 0) continue;
        if ((ready.revents & (POLLERR | POLLNVAL)) != 0) return false;
        const ssize_t written = ::write(fd_, data, std::min(left, chunk_bytes));
        if (written < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return false;
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    return true;
}

std::string AsyncLineSink::dropped_note(std::uint64_t count) {
    // Formatted here, on the writer thread, where no structured event is
    // current: the line is the plain message in either format.
    const std::string text =
        fmt::format("{} log lines dropped: the log output was not read fast enough", count);
    const spdlog::details::log_msg note(spdlog::string_view_t("mqtt-ws-bridge"),
                                        spdlog::level::warn, spdlog::string_view_t(text));
    spdlog::memory_buf_t formatted;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        formatter_->format(note, formatted);
    }
    return std::string(formatted.data(), formatted.size());
}

}  // namespace mqttws::log
