#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.hpp"
#include "harness/http_client.hpp"
#include "harness/temp_dir.hpp"

namespace mwb::it {

// How BridgeProcess starts the bridge beyond the test's own arguments.
struct BridgeOptions {
    std::string log_level = "debug";
    // Limits and where stderr goes; with stderr in a pipe, log() has nothing to show.
    ChildOptions child;
};

// The real mqtt-ws-bridge binary, started with
//   --mqtt-url tcp://127.0.0.1:<broker port> --listen 127.0.0.1:<free port> --log-level debug
// followed by the test's own arguments, its output in a log file in a temp dir.
class BridgeProcess {
  public:
    // (Outside the class, a default argument could not use its member initializers.)
    using Options = BridgeOptions;

    enum class WaitFor {
        healthy,    // GET /healthz answers 200: broker connected and subscriptions acknowledged
        listening,  // GET /healthz answers at all (e.g. while the broker is down)
        accepting,  // the port accepts TCP (a wss:// bridge: plain HTTP gets no answer)
    };

    BridgeProcess(std::uint16_t broker_port, const std::vector<std::string>& extra_args,
                  WaitFor wait_for = WaitFor::healthy, Options options = {});
    // SIGTERM, then SIGKILL after a deadline. A bridge that does not exit 0 on SIGTERM fails the
    // current test (that is also how a sanitizer's report at exit surfaces). Prints the log
    // when the current test failed.
    ~BridgeProcess();
    BridgeProcess(const BridgeProcess&) = delete;
    BridgeProcess& operator=(const BridgeProcess&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return process_->pid(); }
    bool running() const { return process_->running(); }
    void send_signal(int signal) { process_->send_signal(signal); }
    std::optional<int> wait_exit(const Deadline& deadline) { return process_->wait_exit(deadline); }

    // "ws://127.0.0.1:<port>" + resource (resource starts with '/').
    std::string ws_uri(const std::string& resource) const;

    // Polls GET /healthz until it answers 200 or the deadline passes.
    bool wait_healthy(const Deadline& deadline) const;
    HttpResponse healthz() const;

    std::string log() const;
    std::string log_tail() const;

    static std::string binary();

    struct RunResult {
        std::optional<int> wait_status;  // nullopt: still running at the deadline (then killed)
        std::string stdout_text;
        std::string stderr_text;
    };
    // Runs the binary with `args` to completion, capturing stdout and stderr separately.
    // To keep a wrongly accepted command line harmless, `--listen 127.0.0.1:<free port>` and
    // `--mqtt-url tcp://127.0.0.1:<closed port>` come first; `args` follow.
    static RunResult run_to_exit(const std::vector<std::string>& args, const Deadline& deadline);
    // The same with exactly `args` (nothing first), and `environment` ("NAME=value") added.
    static RunResult run_exactly(const std::vector<std::string>& args, const Deadline& deadline,
                                 const std::vector<std::string>& environment = {});

  private:
    // Returns false when the process exited before answering on a port someone else took.
    bool start(const std::vector<std::string>& extra_args, WaitFor wait_for);

    TempDir dir_;
    std::uint16_t broker_port_;
    Options options_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace mwb::it
