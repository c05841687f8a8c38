#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/child_process.hpp"
#include "harness/temp_dir.hpp"

namespace mwb::it {

// A private nginx on a free 127.0.0.1 port, as the WebSocket load balancer in front of several
// bridges: round-robin over `upstream_ports` (127.0.0.1), HTTP/1.1 to the upstream with the
// Upgrade and Connection headers passed on, and a refused, timed-out or 503 upstream retried on
// the next one (a draining bridge answers 503). It runs in the foreground (`daemon off`) as a
// child of the test, with its configuration, pid file, logs and temp files in its own temp dir:
// the system's nginx service and its files are never touched. The constructor returns once the
// port accepts TCP connections.
class NginxProcess {
  public:
    explicit NginxProcess(const std::vector<std::uint16_t>& upstream_ports);
    // Stops nginx (its own PID only); prints its error log when the current test failed.
    ~NginxProcess();
    NginxProcess(const NginxProcess&) = delete;
    NginxProcess& operator=(const NginxProcess&) = delete;

    std::uint16_t port() const { return port_; }
    // "ws://127.0.0.1:<port>" + resource (resource starts with '/').
    std::string ws_uri(const std::string& resource) const;

    // The error log (upstream failures and retries are logged there at "info").
    std::string log() const;

    static std::string binary();

  private:
    void write_config(const std::vector<std::uint16_t>& upstream_ports) const;
    // Returns false when nginx exited before accepting (e.g. the port was taken meanwhile).
    bool start();

    TempDir dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace mwb::it
