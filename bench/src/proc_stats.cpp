#include "proc_stats.hpp"

#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace mwb::bench {

std::optional<unsigned long long> stat_cpu_ticks(std::string_view stat_line) {
    const auto name_end = stat_line.rfind(')');
    if (name_end == std::string_view::npos) return std::nullopt;
    // After ") " come fields 3 (state) onwards; utime and stime are fields 14 and 15.
    std::istringstream fields(std::string(stat_line.substr(name_end + 1)));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int number = 3; number <= 15; ++number) {
        if (!(fields >> field)) return std::nullopt;
        try {
            if (number == 14) utime = std::stoull(field);
            if (number == 15) stime = std::stoull(field);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return utime + stime;
}

std::optional<unsigned long long> status_rss_kib(std::string_view status_text) {
    const auto at = status_text.find("\nVmRSS:");
    if (at == std::string_view::npos) return std::nullopt;
    std::istringstream line(std::string(status_text.substr(at + 7, 40)));
    unsigned long long kib = 0;
    if (!(line >> kib)) return std::nullopt;
    return kib;
}

namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

ProcSample sample_processes(const std::vector<int>& pids) {
    ProcSample sample;
    const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
    for (const int pid : pids) {
        const std::string base = "/proc/" + std::to_string(pid);
        const auto stat = read_text(base + "/stat");
        const auto status = read_text(base + "/status");
        const auto ticks = stat ? stat_cpu_ticks(*stat) : std::nullopt;
        const auto rss = status ? status_rss_kib("\n" + *status) : std::nullopt;
        if (!ticks || !rss) {
            sample.complete = false;
            continue;
        }
        sample.cpu_s += static_cast<double>(*ticks) / ticks_per_s;
        sample.rss_kib += *rss;
    }
    return sample;
}

double thread_cpu_s() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double process_cpu_s() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace mwb::bench
