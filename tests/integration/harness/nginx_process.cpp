#include "harness/nginx_process.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <stdexcept>

#include "harness/loopback_port.hpp"
#include "harness/text_file.hpp"

#ifndef MWB_NGINX_BINARY
#define MWB_NGINX_BINARY "/usr/sbin/nginx"
#endif

namespace mwb::it {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopGrace = std::chrono::seconds(10);
constexpr int kPortAttempts = 3;

}  // namespace

std::string NginxProcess::binary() {
    return MWB_NGINX_BINARY;
}

NginxProcess::NginxProcess(const std::vector<std::uint16_t>& upstream_ports) : dir_("mwb-nginx") {
    for (int attempt = 1;; ++attempt) {
        port_ = LoopbackPort::find_free();
        write_config(upstream_ports);
        if (start()) return;
        // Exited before listening: retry on another port only when this one was taken by
        // someone else in the meantime; anything else is a real failure.
        if (attempt >= kPortAttempts || LoopbackPort::is_bindable(port_)) {
            throw std::runtime_error("nginx failed to start on port " + std::to_string(port_) +
                                     ":\n" + log());
        }
    }
}

NginxProcess::~NginxProcess() {
    // SIGTERM is nginx's fast shutdown: it does not wait for open WebSocket tunnels.
    if (process_) process_->stop(kStopGrace);
    if (::testing::Test::HasFailure()) {
        std::cerr << "----- nginx error log (port " << port_ << ") -----\n"
                  << log() << "----- end of nginx error log -----\n";
    }
}

void NginxProcess::write_config(const std::vector<std::uint16_t>& upstream_ports) const {
    const std::string dir = dir_.path().string();
    std::ostringstream config;
    config << "daemon off;\n"
           << "worker_processes 1;\n"
           << "pid " << dir << "/nginx.pid;\n"
           << "error_log " << dir << "/error.log info;\n";
    // As root, nginx would run its workers as "nobody", who cannot use this private temp dir.
    // Naming the current user keeps them as is (and as non-root the directive must be absent).
    if (::geteuid() == 0) {
        if (const passwd* user = ::getpwuid(::geteuid()))
            config << "user " << user->pw_name << ";\n";
    }
    config << "events { worker_connections 1024; }\n"
           << "http {\n"
           << "  access_log " << dir << "/access.log;\n"
           << "  client_body_temp_path " << dir << "/client_body;\n"
           << "  proxy_temp_path " << dir << "/proxy;\n"
           << "  fastcgi_temp_path " << dir << "/fastcgi;\n"
           << "  uwsgi_temp_path " << dir << "/uwsgi;\n"
           << "  scgi_temp_path " << dir << "/scgi;\n"
           << "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
           << "  upstream bridges {\n";
    for (const std::uint16_t upstream : upstream_ports) {
        config << "    server 127.0.0.1:" << upstream << ";\n";
    }
    config << "  }\n"
           << "  server {\n"
           << "    listen 127.0.0.1:" << port_ << ";\n"
           << "    location / {\n"
           << "      proxy_pass http://bridges;\n"
           << "      proxy_http_version 1.1;\n"
           << "      proxy_set_header Upgrade $http_upgrade;\n"
           << "      proxy_set_header Connection $connection_upgrade;\n"
           << "      proxy_set_header Host $host;\n"
           << "      proxy_connect_timeout 5s;\n"
           << "      proxy_read_timeout 1h;\n"
           << "      proxy_send_timeout 1h;\n"
           << "      proxy_next_upstream error timeout http_503;\n"
           << "    }\n"
           << "  }\n"
           << "}\n";
    TextFile::write(dir_.file("nginx.conf"), config.str());
}

bool NginxProcess::start() {
    const std::string dir = dir_.path().string();
    // -e: the error log before the configuration is read, so nothing goes to /var/log/nginx.
    process_ = std::make_unique<ChildProcess>(
        binary(),
        std::vector<std::string>{"-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"},
        dir_.file("nginx.out"));
    if (LoopbackPort::wait_accepting(
            port_, [&] { return process_->running(); }, kStartTimeout)) {
        return true;
    }
    if (!process_->running()) return false;
    throw std::runtime_error("nginx did not accept connections on port " + std::to_string(port_) +
                             " in time:\n" + log());
}

std::string NginxProcess::ws_uri(const std::string& resource) const {
    return "ws://127.0.0.1:" + std::to_string(port_) + resource;
}

std::string NginxProcess::log() const {
    return TextFile::tail(dir_.file("error.log"), 32 * 1024) +
           TextFile::read(dir_.file("nginx.out"));
}

}  // namespace mwb::it
