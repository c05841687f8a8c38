#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "harness/child_process.hpp"
#include "harness/temp_dir.hpp"

namespace mwb::it {

// A private Mosquitto broker on a free 127.0.0.1 port: anonymous, no persistence, logging to a
// file in its own temp dir. The constructor returns once the port accepts TCP connections.
class MosquittoProcess {
  public:
    // `extra_config` is appended to the generated configuration (e.g. bridge_to(), or a TLS
    // listener: with another listener, settings are per listener and the default loopback
    // listener stays anonymous).
    explicit MosquittoProcess(std::string extra_config = {});
    // Stops the broker (its own PID only); prints its log when the current test failed.
    ~MosquittoProcess();
    MosquittoProcess(const MosquittoProcess&) = delete;
    MosquittoProcess& operator=(const MosquittoProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
    pid_t pid() const;
    bool running() const;

    // SIGKILL: the broker vanishes without a goodbye, like a crash.
    void kill_hard();
    // SIGTERM and wait for it to exit.
    void stop();
    // Starts it again on the same port (after kill_hard/stop) and waits until it accepts.
    void restart();

    std::string log() const;
    // A file in the broker's private temp dir (for password files and the like).
    std::string file(const std::string& name) const { return dir_.file(name).string(); }

    static std::string binary();

    // Configuration lines for a Mosquitto bridge to the broker on 127.0.0.1:`remote_port`
    // forwarding every topic both ways (`topic # both 0`) over MQTT 5, so user properties,
    // response topics and correlation data cross it. Configure it on one side only: Mosquitto
    // marks its bridge connection so the remote side does not send a message back where it
    // came from, but a second bridge in the other direction would form a loop.
    static std::string bridge_to(std::uint16_t remote_port, const std::string& name);

  private:
    void write_config() const;
    // Returns false when the broker exited before accepting (e.g. the port was taken).
    bool start(const Deadline& deadline);

    TempDir dir_;
    std::string extra_config_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace mwb::it
