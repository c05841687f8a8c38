#include "harness/process_usage.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace mwb::it {

std::optional<std::chrono::nanoseconds> ProcessUsage::cpu_time(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: count fields after the last
    // ')'. utime and stime are fields 14 and 15, in clock ticks.
    const std::size_t name_end = text.rfind(')');
    if (name_end == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(name_end + 1));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14) utime = std::stoull(field);
        if (index == 15) stime = std::stoull(field);
    }
    if (!fields) return std::nullopt;
    const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    return std::chrono::nanoseconds((utime + stime) * 1'000'000'000ULL /
                                    static_cast<unsigned long long>(ticks_per_second));
}

std::optional<std::size_t> ProcessUsage::open_files(pid_t pid) {
    std::error_code ec;
    std::filesystem::directory_iterator entries("/proc/" + std::to_string(pid) + "/fd", ec);
    if (ec) return std::nullopt;
    std::size_t count = 0;
    for (const auto& entry : entries) {
        (void)entry;
        ++count;
    }
    return count;
}

CpuShare::CpuShare(pid_t pid)
    : pid_(pid),
      wall_start_(std::chrono::steady_clock::now()),
      cpu_start_(ProcessUsage::cpu_time(pid)) {}

std::optional<double> CpuShare::so_far() const {
    const std::optional<std::chrono::nanoseconds> cpu = ProcessUsage::cpu_time(pid_);
    if (!cpu || !cpu_start_) return std::nullopt;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start_;
    const std::chrono::duration<double> used = *cpu - *cpu_start_;
    return wall.count() > 0 ? used.count() / wall.count() : 0.0;
}

}  // namespace mwb::it
