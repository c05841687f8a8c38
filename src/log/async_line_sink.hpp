// Log output that never blocks the thread that logs. A line is formatted on
// the logging thread, inside spdlog's call (structured events hand their
// fields to the formatter there, log_event.hpp), and only the finished line,
// an owned string, crosses to a writer thread through a bounded queue. When
// the queue is full (the reader of stderr stopped reading) the line is
// dropped and counted (dropped_lines(), mwb_log_dropped_total), and once the
// writer gets through again it writes one line saying how many were lost.
//
// spdlog's own async_logger (1.10 on bookworm) was not used: with the writer
// stuck on a pipe its thread pool's destructor blocks forever on a full
// queue, so the process could not exit, and it formats on the writer thread,
// after the event's fields are gone.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace mqttws::log {

// Lines every AsyncLineSink dropped so far: the queue was full, or the sink
// was already closed. Any thread.
std::uint64_t dropped_lines();

class AsyncLineSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    // Writes to `fd` (not owned), holding at most `max_queued_bytes` of lines
    // not yet written.
    AsyncLineSink(int fd, std::size_t max_queued_bytes);
    // close(default_close_bound).
    ~AsyncLineSink() override;
    AsyncLineSink(const AsyncLineSink&) = delete;
    AsyncLineSink& operator=(const AsyncLineSink&) = delete;

    static constexpr std::chrono::milliseconds default_close_bound{2000};

    // Writes what is queued for at most `bound`, then stops the writer; what
    // is left, and every line logged afterwards, is dropped. Idempotent.
    void close(std::chrono::milliseconds bound);

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    // Lines leave as soon as the writer gets to them; there is nothing to flush.
    void flush_() override {}

  private:
    void run();
    // Writes all of `text` unless the sink gives up first (closing and past
    // the bound) or the descriptor fails.
    bool write_all(const std::string& text);
    bool giving_up() const;
    std::string dropped_note(std::uint64_t count);

    const int fd_;
    const std::size_t max_queued_bytes_;

    std::mutex queue_mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;  // queued plus being written
    bool closing_ = false;
    std::atomic<std::int64_t> give_up_at_{INT64_MAX};  // steady_clock ns, once closing

    std::uint64_t dropped_ = 0;  // by this sink; under queue_mutex_
    std::uint64_t noted_ = 0;    // writer only: dropped lines already reported
    std::thread writer_;
};

}  // namespace mqttws::log
