#include "harness/loopback_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mwb::it {
namespace {

sockaddr_in loopback_address(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

class Socket {
  public:
    Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    ~Socket() { ::close(fd_); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

  private:
    int fd_;
};

// Inodes of the sockets in state LISTEN on `port`, from a /proc/net/tcp-style table.
void listening_inodes(const char* table, std::uint16_t port, std::set<std::string>& inodes) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> inode;
        const auto colon = local.rfind(':');
        if (colon == std::string::npos || state != "0A") continue;  // 0A: TCP_LISTEN
        if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) inodes.insert(inode);
    }
}

}  // namespace

bool LoopbackPort::only_listener_is(std::uint16_t port, int pid) {
    std::set<std::string> listening;
    listening_inodes("/proc/net/tcp", port, listening);
    listening_inodes("/proc/net/tcp6", port, listening);
    std::set<std::string> owned;
    std::error_code ec;
    for (const auto& fd :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        const std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
        if (!ec && target.rfind("socket:[", 0) == 0) {
            owned.insert(target.substr(8, target.size() - 9));
        }
    }
    for (const auto& inode : listening) {
        if (owned.count(inode) == 0) return false;
    }
    return true;
}

std::uint16_t LoopbackPort::find_free() {
    Socket socket;
    sockaddr_in address = loopback_address(0);
    if (::bind(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
    }
    socklen_t length = sizeof address;
    if (::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error(std::string("getsockname: ") + std::strerror(errno));
    }
    return ntohs(address.sin_port);
}

bool LoopbackPort::accepts_connection(std::uint16_t port) {
    Socket socket;
    sockaddr_in address = loopback_address(port);
    return ::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

bool LoopbackPort::is_bindable(std::uint16_t port) {
    Socket socket;
    int on = 1;
    ::setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address = loopback_address(port);
    return ::bind(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace mwb::it
