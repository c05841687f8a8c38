#include "harness/bridge_process.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <utility>

#include <cstdlib>

#include "harness/loopback_port.hpp"
#include "harness/text_file.hpp"

#ifndef MWB_BRIDGE_BINARY
#error "MWB_BRIDGE_BINARY must name the mqtt-ws-bridge executable"
#endif

namespace mwb::it {
namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(10);
constexpr int kPortAttempts = 3;
constexpr std::size_t kLogTailBytes = 64 * 1024;

}  // namespace

std::string BridgeProcess::binary() {
    // CI runs the same tests against a ThreadSanitizer build of the bridge.
    if (const char* path = std::getenv("MWB_TEST_BRIDGE_BINARY"); path && *path) return path;
    return MWB_BRIDGE_BINARY;
}

BridgeProcess::BridgeProcess(std::uint16_t broker_port, const std::vector<std::string>& extra_args,
                             WaitFor wait_for, Options options)
    : dir_("mwb-bridge"), broker_port_(broker_port), options_(std::move(options)) {
    for (int attempt = 1;; ++attempt) {
        port_ = LoopbackPort::find_free();
        if (start(extra_args, wait_for)) return;
        // Exited before answering, or answering on a port another process listens on too.
        // Retry on another port only if ours was taken meanwhile (the free-port probe races
        // with other processes); otherwise it is a real failure.
        if (attempt >= kPortAttempts || LoopbackPort::is_bindable(port_)) {
            throw std::runtime_error(
                "mqtt-ws-bridge exited during start-up (" +
                ChildProcess::describe_wait_status(process_->exit_status().value_or(-1)) + "):\n" +
                log_tail());
        }
    }
}

BridgeProcess::~BridgeProcess() {
    if (process_ && process_->running()) {
        // The contract: SIGTERM exits 0 within a few seconds. Checking it after every test also
        // catches what a sanitizer build reports at exit (leaks, errors: non-zero exit code).
        process_->send_signal(SIGTERM);
        const std::optional<int> status = process_->wait_exit(kStopGrace);
        if (!status) {
            process_->kill_hard();
            ADD_FAILURE() << "mqtt-ws-bridge did not exit within the grace period after SIGTERM";
        } else if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
            ADD_FAILURE() << "mqtt-ws-bridge " << ChildProcess::describe_wait_status(*status)
                          << " after SIGTERM";
        }
    }
    if (::testing::Test::HasFailure()) {
        std::cerr << "----- mqtt-ws-bridge log (listen port " << port_ << ", broker port "
                  << broker_port_ << ") -----\n"
                  << log_tail() << "----- end of mqtt-ws-bridge log -----\n";
    }
}

bool BridgeProcess::start(const std::vector<std::string>& extra_args, WaitFor wait_for) {
    std::vector<std::string> args{"--listen", "127.0.0.1:" + std::to_string(port_), "--log-level",
                                  options_.log_level};
    // A test may name its own broker URL (e.g. mqtts://); the flag may be given only once.
    if (std::find(extra_args.begin(), extra_args.end(), "--mqtt-url") == extra_args.end()) {
        args.insert(args.begin(),
                    {"--mqtt-url", "tcp://127.0.0.1:" + std::to_string(broker_port_)});
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    {
        std::string command_line = binary();
        for (const auto& a : args) command_line += " '" + a + "'";
        TextFile::write(dir_.file("command-line"), command_line + "\n");
    }
    process_ = std::make_unique<ChildProcess>(binary(), args, dir_.file("bridge.log"), std::nullopt,
                                              options_.child);

    bool exited = false;
    HttpResponse last;
    const Deadline deadline(kReadyTimeout);
    const bool ready = deadline.poll_until([&] {
        if (!process_->running()) {
            exited = true;
            return true;
        }
        if (wait_for == WaitFor::accepting) return LoopbackPort::accepts_connection(port_);
        last = HttpClient::get(port_, "/healthz", {}, std::chrono::seconds(2));
        if (wait_for == WaitFor::listening) return last.status != 0;
        return last.status == 200;
    });
    if (exited) return false;
    if (ready && !LoopbackPort::only_listener_is(port_, process_->pid())) {
        // A parallel test's bridge got the same port (SO_REUSEPORT lets both listen): start
        // over on another one rather than share connections with it.
        std::cerr << "port " << port_ << " is shared with another process; restarting the bridge "
                  << "on another port\n";
        process_->stop(kStopGrace);
        return false;
    }
    if (!ready) {
        throw std::runtime_error(
            "mqtt-ws-bridge not " +
            std::string(wait_for == WaitFor::healthy ? "healthy" : "listening") +
            " in time; last GET /healthz: " + last.describe() + "\n" +
            TextFile::read(dir_.file("command-line")) + log_tail());
    }
    return true;
}

std::string BridgeProcess::ws_uri(const std::string& resource) const {
    return "ws://127.0.0.1:" + std::to_string(port_) + resource;
}

HttpResponse BridgeProcess::healthz() const {
    return HttpClient::get(port_, "/healthz", {}, std::chrono::seconds(5));
}

bool BridgeProcess::wait_healthy(const Deadline& deadline) const {
    return deadline.poll_until(
        [&] {
            return HttpClient::get(port_, "/healthz", {}, std::chrono::seconds(2)).status == 200;
        },
        std::chrono::milliseconds(100));
}

std::string BridgeProcess::log() const {
    return TextFile::read(dir_.file("bridge.log"));
}

std::string BridgeProcess::log_tail() const {
    return TextFile::tail(dir_.file("bridge.log"), kLogTailBytes);
}

BridgeProcess::RunResult BridgeProcess::run_to_exit(const std::vector<std::string>& args,
                                                    const Deadline& deadline) {
    std::vector<std::string> full_args{
        "--listen", "127.0.0.1:" + std::to_string(LoopbackPort::find_free()), "--mqtt-url",
        "tcp://127.0.0.1:" + std::to_string(LoopbackPort::find_free())};
    full_args.insert(full_args.end(), args.begin(), args.end());
    return run_exactly(full_args, deadline);
}

BridgeProcess::RunResult BridgeProcess::run_exactly(const std::vector<std::string>& args,
                                                    const Deadline& deadline,
                                                    const std::vector<std::string>& environment) {
    TempDir dir("mwb-bridge-run");
    ChildOptions options;
    options.environment = environment;
    RunResult result;
    {
        ChildProcess process(binary(), args, dir.file("stdout"), dir.file("stderr"), options);
        result.wait_status = process.wait_exit(deadline);
        if (!result.wait_status) process.kill_hard();
    }
    result.stdout_text = TextFile::read(dir.file("stdout"));
    result.stderr_text = TextFile::read(dir.file("stderr"));
    return result;
}

}  // namespace mwb::it
