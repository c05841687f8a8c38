// CPU time and resident memory of other processes (the bridge, the broker), read from
// /proc/<pid>/stat and /proc/<pid>/status, summed over several PIDs.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace mwb::bench {

struct ProcSample {
    double cpu_s = 0;  // user + system
    unsigned long long rss_kib = 0;
    bool complete = true;  // false when a PID could not be read
};

ProcSample sample_processes(const std::vector<int>& pids);

// Pure helpers, unit-tested: utime + stime in clock ticks from a /proc/<pid>/stat line
// (the command name may hold spaces and parentheses), and VmRSS from /proc/<pid>/status.
std::optional<unsigned long long> stat_cpu_ticks(std::string_view stat_line);
std::optional<unsigned long long> status_rss_kib(std::string_view status_text);

// CPU seconds of the calling thread.
double thread_cpu_s();
// CPU seconds of this whole process (every thread).
double process_cpu_s();

}  // namespace mwb::bench
