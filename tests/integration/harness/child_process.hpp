#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/deadline.hpp"

namespace mwb::it {

// How a child is started beyond its command line.
struct ChildOptions {
    // RLIMIT_NOFILE, soft and hard, in the child: a process cannot raise it again.
    std::optional<std::uint64_t> open_file_limit;
    // stderr into a pipe that the ChildProcess holds open and never reads: once the pipe's
    // buffer is full, every write to stderr blocks (a log collector that stopped reading).
    bool stderr_to_unread_pipe = false;
    // "NAME=value" entries added to the child's environment (the MWB_* under test).
    std::vector<std::string> environment;
};

// A process this test started (fork + exec), with stdout and stderr redirected to files and
// stdin from /dev/null. Only ever signals its own PID. The child gets PR_SET_PDEATHSIG SIGKILL,
// so a crashed test binary does not leave brokers or bridges behind. Environment variables
// starting with MWB_ are not passed on, so a developer's shell cannot change what a test runs
// (only ChildOptions::environment adds some).
class ChildProcess {
  public:
    // When `stderr_path` is empty, stderr goes to `stdout_path` as well (unless `options`
    // send it to a pipe).
    ChildProcess(const std::string& executable, const std::vector<std::string>& args,
                 const std::filesystem::path& stdout_path,
                 const std::optional<std::filesystem::path>& stderr_path = std::nullopt,
                 const ChildOptions& options = {});
    // SIGTERM, then SIGKILL if it has not exited within a few seconds.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // True until the process has been reaped (checks without blocking).
    bool running();

    // Sends `signal` unless the process has already been reaped.
    void send_signal(int signal);

    // Waits until the process exits or the deadline passes; returns the raw wait status
    // (use WIFEXITED & co., or describe_wait_status) or nullopt on timeout.
    std::optional<int> wait_exit(const Deadline& deadline);

    // The raw wait status once reaped.
    std::optional<int> exit_status() const { return status_; }

    // SIGTERM, wait until `grace` passes, then SIGKILL and reap. Returns the wait status.
    int stop(const Deadline& grace);

    // SIGKILL and reap.
    int kill_hard();

    // "exited with code 2", "killed by signal 9 (Killed)", ...
    static std::string describe_wait_status(int status);

  private:
    bool try_reap();

    pid_t pid_ = -1;
    std::optional<int> status_;
    int unread_stderr_ = -1;  // the read end of the stderr pipe, when asked for
};

}  // namespace mwb::it
