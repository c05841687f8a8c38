#include "harness/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mwb::it {
namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// One forwarded connection: bytes read from one side are written to the other. Loopback
// peers read promptly, so a blocking write of one chunk is fine for a test.
struct Pair {
    int client = -1;
    int server = -1;
};

bool forward(int from, int to) {
    std::array<char, 16 * 1024> buffer{};
    const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
    if (n <= 0) return false;
    for (ssize_t done = 0; done < n;) {
        const ssize_t w =
            ::send(to, buffer.data() + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
        if (w <= 0) return false;
        done += w;
    }
    return true;
}

}  // namespace

TcpProxy::TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(listen_fd_);
        throw std::runtime_error("TcpProxy: " + reason);
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy() {
    stopping_ = true;
    const char byte = 's';
    (void)!::write(wake_fds_[1], &byte, 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_fds_[0]);
    ::close(wake_fds_[1]);
}

void TcpProxy::cut() {
    cut_ = true;
    ++cut_generation_;
    const char byte = 'c';
    (void)!::write(wake_fds_[1], &byte, 1);
}

void TcpProxy::restore() {
    cut_ = false;
}

void TcpProxy::run() {
    std::vector<Pair> pairs;
    int seen_generation = cut_generation_.load();
    auto close_pair = [](Pair& pair) {
        ::close(pair.client);
        ::close(pair.server);
        pair.client = pair.server = -1;
    };
    while (!stopping_) {
        if (cut_generation_.load() != seen_generation) {
            seen_generation = cut_generation_.load();
            for (auto& pair : pairs) close_pair(pair);
            pairs.clear();
        }
        std::vector<pollfd> fds{{wake_fds_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
        for (const auto& pair : pairs) {
            fds.push_back({pair.client, POLLIN, 0});
            fds.push_back({pair.server, POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
        if (fds[0].revents) {
            char drain[64];
            while (::read(wake_fds_[0], drain, sizeof drain) > 0) {
            }
        }
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                if (cut_) {
                    ::close(client);
                } else {
                    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                    const sockaddr_in target = loopback(target_port_);
                    if (server >= 0 && ::connect(server, reinterpret_cast<const sockaddr*>(&target),
                                                 sizeof target) == 0) {
                        pairs.push_back({client, server});
                        ++forwarded_;
                    } else {
                        if (server >= 0) ::close(server);
                        ::close(client);
                    }
                }
            }
        }
        // Forward; a side that ended ends the pair (the fds vector still matches `pairs` here:
        // pairs only grew at the end).
        for (std::size_t i = 0; i + 2 < fds.size() && i / 2 < pairs.size(); i += 2) {
            Pair& pair = pairs[i / 2];
            const pollfd& client = fds[i + 2];
            const pollfd& server = fds[i + 3];
            bool alive = true;
            if (client.revents & (POLLIN | POLLHUP | POLLERR))
                alive = forward(pair.client, pair.server);
            if (alive && (server.revents & (POLLIN | POLLHUP | POLLERR))) {
                alive = forward(pair.server, pair.client);
            }
            if (!alive) close_pair(pair);
        }
        pairs.erase(std::remove_if(pairs.begin(), pairs.end(),
                                   [](const Pair& pair) { return pair.client < 0; }),
                    pairs.end());
    }
    for (auto& pair : pairs) close_pair(pair);
}

}  // namespace mwb::it
