// AsyncLineSink over a pipe: lines arrive whole and in order; with nobody reading, the thread
// that logs is never held (lines are dropped and counted instead), close() returns although
// the pipe stays full, and once the reader is back it is told how many lines were lost.
#include "log/async_line_sink.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace mqttws::log {
namespace {

class Pipe {
  public:
    // `small`: the smallest pipe the kernel allows (one page), full after a few lines.
    explicit Pipe(bool small) {
        if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        if (small) ::fcntl(fds_[1], F_SETPIPE_SZ, 4096);
    }
    ~Pipe() {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    // Everything written so far, once the writer is done (non-blocking read to the end).
    std::string drain() {
        ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
        std::string out;
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(fds_[0], buffer, sizeof buffer);
            if (n <= 0) return out;
            out.append(buffer, static_cast<std::size_t>(n));
        }
    }

  private:
    int fds_[2];
};

std::unique_ptr<spdlog::logger> logger_on(const std::shared_ptr<AsyncLineSink>& sink) {
    auto logger = std::make_unique<spdlog::logger>("test", sink);
    logger->set_pattern("%v");
    return logger;
}

TEST(AsyncLineSink, LinesArriveWholeAndInOrder) {
    Pipe pipe(false);
    auto sink = std::make_shared<AsyncLineSink>(pipe.write_end(), 64 * 1024);
    auto logger = logger_on(sink);
    std::string expected;
    // Far less than the pipe holds: nothing needs a reader.
    for (int i = 0; i < 100; ++i) {
        logger->info("line {}", i);
        expected += "line " + std::to_string(i) + "\n";
    }
    sink->close(std::chrono::seconds(10));
    const std::string written = pipe.drain();
    EXPECT_EQ(written, expected);
}

TEST(AsyncLineSink, AnUnreadPipeCostsLinesNotTheLoggingThread) {
    Pipe pipe(true);
    auto sink = std::make_shared<AsyncLineSink>(pipe.write_end(), 1024);
    auto logger = logger_on(sink);
    const std::uint64_t dropped_before = dropped_lines();
    // 100 KiB against a page of pipe and 1 KiB of queue: had logging waited for the pipe,
    // this loop would never end.
    const std::string padding(90, 'p');
    for (int i = 0; i < 1000; ++i) logger->info("{:04d} {}", i, padding);
    EXPECT_GT(dropped_lines(), dropped_before);

    // The pipe stays full: close gives up after its bound instead of waiting for a reader.
    sink->close(std::chrono::milliseconds(100));
    const std::string written = pipe.drain();
    // What did get through is whole lines from the start, in order.
    ASSERT_FALSE(written.empty());
    int next = 0;
    for (std::size_t at = 0; at < written.size();) {
        const std::size_t end = written.find('\n', at);
        if (end == std::string::npos) break;  // the write that close cut short
        char number[16];
        std::snprintf(number, sizeof number, "%04d", next++);
        EXPECT_EQ(written.substr(at, end - at), std::string(number) + " " + padding);
        at = end + 1;
    }
    EXPECT_GT(next, 0);
}

TEST(AsyncLineSink, TheReaderIsToldHowManyLinesWereLost) {
    Pipe pipe(true);
    auto sink = std::make_shared<AsyncLineSink>(pipe.write_end(), 1024);
    auto logger = logger_on(sink);
    const std::string padding(90, 'p');
    for (int i = 0; i < 1000; ++i) logger->info("{:04d} {}", i, padding);

    // A reader comes back and reads until the writer has said what was lost.
    std::string seen;
    std::thread reader([&] {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        char buffer[4096];
        while (seen.find("log lines dropped") == std::string::npos &&
               std::chrono::steady_clock::now() < give_up) {
            const ssize_t n = ::read(pipe.read_end(), buffer, sizeof buffer);
            if (n <= 0) break;
            seen.append(buffer, static_cast<std::size_t>(n));
        }
    });
    // The note is written once the queue drains, before the next line.
    logger->info("after");
    reader.join();
    sink->close(std::chrono::seconds(10));
    EXPECT_NE(seen.find("log lines dropped"), std::string::npos) << seen.substr(0, 200);
}

}  // namespace
}  // namespace mqttws::log
