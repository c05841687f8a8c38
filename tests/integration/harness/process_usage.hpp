#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>

namespace mwb::it {

// What the kernel says a process uses (/proc/<pid>): CPU time and open descriptors.
class ProcessUsage {
  public:
    // User plus system CPU time of all its threads; nullopt when the process is gone.
    static std::optional<std::chrono::nanoseconds> cpu_time(pid_t pid);
    // How many file descriptors it holds open; nullopt when the process is gone.
    static std::optional<std::size_t> open_files(pid_t pid);
};

// The share of one CPU a process used over a measured window: the CPU time it consumed divided
// by the wall time that passed. The window is a measurement period, not a synchronisation.
class CpuShare {
  public:
    explicit CpuShare(pid_t pid);
    // Over the window from construction until now; nullopt when the process is gone.
    std::optional<double> so_far() const;

  private:
    pid_t pid_;
    std::chrono::steady_clock::time_point wall_start_;
    std::optional<std::chrono::nanoseconds> cpu_start_;
};

}  // namespace mwb::it
