#include "harness/bridge_metrics.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness/http_client.hpp"

namespace mwb::it {

std::optional<double> BridgeMetrics::value(std::uint16_t port, const std::string& sample) {
    const HttpResponse response = HttpClient::get(port, "/metrics", {}, std::chrono::seconds(5));
    if (response.status != 200) return std::nullopt;
    std::istringstream lines(response.body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 &&
            line[sample.size()] == ' ') {
            return std::strtod(line.c_str() + sample.size() + 1, nullptr);
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> BridgeMetrics::rss_bytes(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            // "VmRSS:	   12345 kB"
            return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
        }
    }
    return std::nullopt;
}

}  // namespace mwb::it
