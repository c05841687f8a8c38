#include "app/logging.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>

#include "log/async_line_sink.hpp"

namespace mqttws::app {

namespace {

// Lines waiting for stderr beyond this are dropped and counted: a reader that
// stopped reading must cost log lines, never a delivery thread's time. About
// 1,500 connection lines, enough to ride out a collector's hiccup.
constexpr std::size_t max_queued_log_bytes = 256 * 1024;

std::shared_ptr<log::AsyncLineSink> output;

}  // namespace

void configure_logging(const std::string& level, log::LogFormat format) {
    // stderr keeps stdout free for tools. A line is formatted on the thread
    // that logs (structured events hand their fields to the formatter there,
    // log_event.hpp) and written by the sink's own thread.
    output = std::make_shared<log::AsyncLineSink>(STDERR_FILENO, max_queued_log_bytes);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("mqtt-ws-bridge", output));
    spdlog::set_formatter(log::make_log_formatter(format));
    spdlog::set_level(spdlog::level::from_str(level));
}

void finish_logging() {
    if (output) output->close(log::AsyncLineSink::default_close_bound);
}

}  // namespace mqttws::app
