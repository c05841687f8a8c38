#include "harness/mosquitto_process.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "harness/loopback_port.hpp"
#include "harness/text_file.hpp"

#ifndef MWB_MOSQUITTO_BINARY
#define MWB_MOSQUITTO_BINARY "/usr/sbin/mosquitto"
#endif

namespace mwb::it {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr int kPortAttempts = 3;

}  // namespace

std::string MosquittoProcess::binary() {
    return MWB_MOSQUITTO_BINARY;
}

MosquittoProcess::MosquittoProcess(std::string extra_config)
    : dir_("mwb-mosquitto"), extra_config_(std::move(extra_config)) {
    for (int attempt = 1;; ++attempt) {
        port_ = LoopbackPort::find_free();
        write_config();
        if (start(kStartTimeout)) return;
        // The broker exited before listening: retry on another port only when this one was
        // taken by someone else in the meantime; anything else is a real failure.
        if (attempt >= kPortAttempts || LoopbackPort::is_bindable(port_)) {
            throw std::runtime_error("mosquitto failed to start on port " + std::to_string(port_) +
                                     ":\n" + log());
        }
    }
}

MosquittoProcess::~MosquittoProcess() {
    if (process_) process_->stop(std::chrono::seconds(5));
    if (::testing::Test::HasFailure()) {
        std::cerr << "----- mosquitto log (port " << port_ << ") -----\n"
                  << TextFile::tail(dir_.file("mosquitto.log"), 32 * 1024)
                  << TextFile::read(dir_.file("mosquitto.out"))
                  << "----- end of mosquitto log -----\n";
    }
}

void MosquittoProcess::write_config() const {
    std::ostringstream config;
    // A second listener (TLS, passwords) must not change the anonymous test listener.
    if (extra_config_.find("listener ") != std::string::npos) {
        config << "per_listener_settings true\n";
    }
    config << "listener " << port_ << " 127.0.0.1\n"
           << "allow_anonymous true\n"
           << "persistence false\n"
           << "log_dest file " << dir_.file("mosquitto.log").string() << "\n"
           << "log_type all\n"
           << "log_timestamp_format %H:%M:%S\n"
           // Mosquitto drops QoS 0 messages for a client whose outgoing queue holds more than
           // max_queued_messages packets; the tests measure the bridge, not that policy.
           << "max_queued_messages 0\n";
    // As root, Mosquitto would switch to the "mosquitto" user, which cannot write the log in
    // this private temp dir. Naming the current user keeps it as is (ignored when not root).
    if (const passwd* user = ::getpwuid(::geteuid())) {
        config << "user " << user->pw_name << "\n";
    }
    config << extra_config_;
    TextFile::write(dir_.file("mosquitto.conf"), config.str());
}

bool MosquittoProcess::start(const Deadline& deadline) {
    process_ = std::make_unique<ChildProcess>(
        binary(), std::vector<std::string>{"-c", dir_.file("mosquitto.conf").string()},
        dir_.file("mosquitto.out"));
    if (LoopbackPort::wait_accepting(
            port_, [&] { return process_->running(); }, deadline)) {
        return true;
    }
    if (!process_->running()) return false;
    throw std::runtime_error("mosquitto did not accept connections on port " +
                             std::to_string(port_) + " in time:\n" + log());
}

std::string MosquittoProcess::bridge_to(std::uint16_t remote_port, const std::string& name) {
    std::ostringstream config;
    config << "connection " << name << "\n"
           << "address 127.0.0.1:" << remote_port << "\n"
           << "topic # both 0\n"
           << "bridge_protocol_version mqttv50\n"
           << "cleansession true\n"
           << "try_private true\n"
           << "start_type automatic\n"
           << "restart_timeout 1\n";
    return config.str();
}

pid_t MosquittoProcess::pid() const {
    return process_ ? process_->pid() : -1;
}

bool MosquittoProcess::running() const {
    return process_ && process_->running();
}

void MosquittoProcess::kill_hard() {
    if (process_) process_->kill_hard();
}

void MosquittoProcess::stop() {
    if (process_) process_->stop(std::chrono::seconds(10));
}

void MosquittoProcess::restart() {
    if (process_ && process_->running()) {
        throw std::logic_error("MosquittoProcess::restart while the broker is running");
    }
    // The same port: clients (the bridge) reconnect to the address they know. Mosquitto sets
    // SO_REUSEADDR, so connections left in TIME_WAIT do not block the bind.
    if (!start(kStartTimeout)) {
        throw std::runtime_error("mosquitto failed to restart on port " + std::to_string(port_) +
                                 ":\n" + log());
    }
}

std::string MosquittoProcess::log() const {
    return TextFile::tail(dir_.file("mosquitto.log"), 16 * 1024) +
           TextFile::read(dir_.file("mosquitto.out"));
}

}  // namespace mwb::it
