#include "client_fleet.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mono_clock.hpp"
#include "mqtt_codec.hpp"
#include "payload_stamp.hpp"
#include "ws_client_codec.hpp"

namespace mwb::bench {
namespace {

// Large enough for every queued frame of a busy client in one read.
constexpr std::size_t kReadBufferSize = 4 << 20;
constexpr int kMaxEvents = 1024;

std::uint32_t mask_for(std::uint64_t sequence) {
    return static_cast<std::uint32_t>(sequence * 2654435761u) | 1u;
}

}  // namespace

ClientFleet::ClientFleet(const BenchOptions& options, MeasureWindow& window)
    : options_(options),
      window_(window),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      clients_(options.clients),
      read_buffer_(kReadBufferSize),
      send_payload_(encode_stamp({}, options.payload_size)) {}

ClientFleet::~ClientFleet() {
    for (auto& client : clients_) {
        if (client.fd >= 0) close(client.fd);
    }
    if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool ClientFleet::start_connect(std::size_t index, std::string& error) {
    const Endpoint& target = options_.urls[index % options_.urls.size()];
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Let connect() pick the port per (source, destination), so each source address
    // brings a full ephemeral port range.
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr =
        htonl(0x7F000001u + static_cast<std::uint32_t>(index % options_.source_addresses));
    sockaddr_in destination{};
    destination.sin_family = AF_INET;
    destination.sin_port = htons(options_.native ? options_.mqtt.port : target.port);
    inet_pton(AF_INET, options_.native ? options_.mqtt.host.c_str() : target.host.c_str(),
              &destination.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
        (connect(fd, reinterpret_cast<sockaddr*>(&destination), sizeof destination) != 0 &&
         errno != EINPROGRESS)) {
        error = std::string("connect: ") + std::strerror(errno);
        close(fd);
        return false;
    }
    epoll_event event{};
    event.events = EPOLLOUT | EPOLLIN;
    event.data.u64 = index;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    clients_[index].fd = fd;
    clients_[index].state = State::Connecting;
    return true;
}

ConnectResult ClientFleet::connect_all() {
    const std::uint64_t start = mono_now_ns();
    const std::uint64_t deadline =
        start + static_cast<std::uint64_t>(options_.connect_timeout_s * 1e9);
    std::size_t next = 0;
    while (open_ + failed_ < clients_.size() && mono_now_ns() < deadline) {
        while (in_flight_ < options_.connect_concurrency && next < clients_.size()) {
            std::string error;
            const std::size_t index = next++;
            if (start_connect(index, error)) {
                ++in_flight_;
            } else {
                ++failed_;
                if (first_error_.empty()) first_error_ = error;
            }
        }
        poll(10);
    }
    ConnectResult result;
    result.seconds = static_cast<double>(mono_now_ns() - start) * 1e-9;
    result.opened = open_;
    result.failed = clients_.size() - open_;
    result.first_error = first_error_;
    return result;
}

std::vector<std::string> ClientFleet::session_ids() const {
    std::vector<std::string> ids;
    for (const std::size_t index : open_indices_) {
        if (!clients_[index].session_id.empty()) ids.push_back(clients_[index].session_id);
    }
    return ids;
}

int ClientFleet::poll(int timeout_ms) {
    epoll_event events[kMaxEvents];
    const int count = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
    if (count <= 0) return 0;
    // One clock read per batch of events: every frame read in it has arrived by now.
    const std::uint64_t now = mono_now_ns();
    first_seq_ = window_.first_seq.load();
    for (int i = 0; i < count; ++i) {
        handle_event(static_cast<std::size_t>(events[i].data.u64), events[i].events, now);
    }
    return count;
}

void ClientFleet::run(const std::function<bool(std::uint64_t)>& done) {
    while (true) {
        const std::uint64_t now = mono_now_ns();
        if (sending_) send_due(now);
        if (done(now)) return;
        poll(sending_ ? 1 : 5);
    }
}

void ClientFleet::handle_event(std::size_t index, std::uint32_t events, std::uint64_t now_ns) {
    Client& client = clients_[index];
    if (client.state == State::Connecting) {
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) on_writable_connect(index);
        return;
    }
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) on_readable(index, now_ns);
}

void ClientFleet::on_writable_connect(std::size_t index) {
    Client& client = clients_[index];
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
        fail(index, std::string("connect: ") + std::strerror(error));
        return;
    }
    std::string request;
    if (options_.native) {
        const auto version =
            options_.native_mqtt_version == 5 ? MqttVersion::V5 : MqttVersion::V311;
        const std::string filter =
            options_.scenario == Scenario::Selective
                ? options_.topic_prefix + "/dev/" + std::to_string(index) + "/#"
                : options_.topic_prefix + "/#";
        request = mqtt_connect(
            "mwb-bench-" + std::to_string(getpid()) + "-" + std::to_string(index), version, 0);
        if (options_.scenario != Scenario::Idle) request += mqtt_subscribe(1, filter, version);
    } else {
        const Endpoint& target = options_.urls[index % options_.urls.size()];
        request = ws_upgrade_request(target.host + ":" + std::to_string(target.port),
                                     client_path(target.path, index), subprotocol_);
    }
    // A fresh socket's send buffer takes a request this small whole.
    if (send(client.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        fail(index, "the request could not be sent");
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = index;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, client.fd, &event);
    client.state = State::Handshaking;
}

void ClientFleet::on_readable(std::size_t index, std::uint64_t now_ns) {
    Client& client = clients_[index];
    char* buffer = read_buffer_.data();
    const std::size_t kept = client.pending_in.size();
    if (kept >= read_buffer_.size()) {
        fail(index, "a frame larger than the read buffer");
        return;
    }
    std::memcpy(buffer, client.pending_in.data(), kept);
    const ssize_t n = recv(client.fd, buffer + kept, read_buffer_.size() - kept, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        if (client.state == State::Open) {
            ++closed_by_peer_;
            close_client(index);
        } else {
            fail(index, n == 0 ? "closed during the handshake" : std::strerror(errno));
        }
        return;
    }
    const std::string_view data(buffer, kept + static_cast<std::size_t>(n));
    const std::size_t consumed =
        options_.native ? consume_mqtt(index, data, now_ns) : consume_ws(index, data, now_ns);
    if (client.state == State::Closed) return;
    client.pending_in.assign(data.substr(consumed));
}

std::size_t ClientFleet::consume_ws(std::size_t index, std::string_view data,
                                    std::uint64_t now_ns) {
    Client& client = clients_[index];
    std::size_t offset = 0;
    if (client.state == State::Handshaking) {
        const HandshakeResponse response = parse_upgrade_response(data);
        if (response.status == HandshakeStatus::Incomplete) return 0;
        if (response.status == HandshakeStatus::Refused) {
            fail(index, "handshake refused: " + response.status_line);
            return 0;
        }
        client.session_id = response.session_id;
        mark_open(index);
        offset = response.consumed;
        if (first_request_) {
            std::string frame;
            append_masked_frame(frame, WsOpcode::Text, first_request_(index), mask_for(index + 1));
            // Like the upgrade request: a fresh socket's send buffer takes it whole.
            if (send(client.fd, frame.data(), frame.size(), MSG_NOSIGNAL) !=
                static_cast<ssize_t>(frame.size())) {
                fail(index, "the first request could not be sent");
                return 0;
            }
        }
    }
    while (offset < data.size()) {
        const FrameView frame = parse_server_frame(data.substr(offset));
        if (frame.status == FrameStatus::Incomplete) break;
        if (frame.status == FrameStatus::Invalid) {
            ++closed_by_peer_;
            close_client(index);
            return offset;
        }
        offset += frame.consumed;
        switch (frame.opcode) {
            case WsOpcode::Text:
            case WsOpcode::Binary:
                on_payload(index, frame.payload, now_ns);
                break;
            case WsOpcode::Ping: {
                std::string pong;
                append_masked_frame(pong, WsOpcode::Pong, frame.payload, 0x5A5A5A5A);
                send(client.fd, pong.data(), pong.size(), MSG_NOSIGNAL);
                break;
            }
            case WsOpcode::Close:
                ++closed_by_peer_;
                close_client(index);
                return offset;
            default:
                break;
        }
    }
    return offset;
}

std::size_t ClientFleet::consume_mqtt(std::size_t index, std::string_view data,
                                      std::uint64_t now_ns) {
    Client& client = clients_[index];
    const auto version = options_.native_mqtt_version == 5 ? MqttVersion::V5 : MqttVersion::V311;
    std::size_t offset = 0;
    while (offset < data.size()) {
        const PacketView packet = split_mqtt_packet(data.substr(offset));
        if (packet.status == PacketStatus::Incomplete) break;
        if (packet.status == PacketStatus::Invalid) {
            fail(index, "invalid MQTT packet");
            return offset;
        }
        offset += packet.consumed;
        if (packet.type == MqttPacketType::Publish) {
            const PublishView publish = read_mqtt_publish(packet.body, packet.flags, version);
            if (publish.valid) on_payload(index, publish.payload, now_ns);
        } else if (packet.type == MqttPacketType::Connack) {
            if (packet.body.size() < 2 || packet.body[1] != 0) {
                fail(index, "CONNACK refused");
                return offset;
            }
            if (options_.scenario == Scenario::Idle) mark_open(index);
        } else if (packet.type == MqttPacketType::Suback && client.state == State::Handshaking) {
            mark_open(index);
        }
    }
    return offset;
}

void ClientFleet::on_payload(std::size_t index, std::string_view payload, std::uint64_t now_ns) {
    ++frames_received_;
    if (sink_) {
        sink_(index, payload, now_ns);
        return;
    }
    Client& client = clients_[index];
    const auto stamp = decode_stamp(payload);
    if (!stamp) {
        ++unparsed_;
        return;
    }
    if (stamp->sequence < first_seq_) {
        // Warm-up traffic, unless the window opened since this poll round began: the
        // sender stores the first sequence before sending it, so a fresh load decides.
        first_seq_ = window_.first_seq.load();
        if (stamp->sequence < first_seq_) return;
    }
    count_arrival(counts_, client.tally.record(stamp->sequence));
    histogram_.record(now_ns > stamp->sent_ns ? now_ns - stamp->sent_ns : 0);
}

void ClientFleet::mark_open(std::size_t index) {
    clients_[index].state = State::Open;
    open_indices_.push_back(index);
    ++open_;
    --in_flight_;
}

void ClientFleet::fail(std::size_t index, const std::string& why) {
    if (first_error_.empty()) first_error_ = why;
    const bool was_open = clients_[index].state == State::Open;
    close_client(index);
    if (!was_open) {
        ++failed_;
        --in_flight_;
    }
}

void ClientFleet::close_client(std::size_t index) {
    Client& client = clients_[index];
    if (client.state == State::Open) --open_;
    if (client.fd >= 0) close(client.fd);  // close() also removes it from the epoll set
    client.fd = -1;
    client.state = State::Closed;
    client.pending_in = std::string();
    client.pending_out = std::string();
}

bool ClientFleet::flush_pending_out(Client& client) {
    if (client.pending_out.empty()) return true;
    const ssize_t n = send(client.fd, client.pending_out.data(), client.pending_out.size(),
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) client.pending_out.erase(0, static_cast<std::size_t>(n));
    return client.pending_out.empty();
}

void ClientFleet::send_due(std::uint64_t now_ns) {
    if (send_window_closed_ || open_indices_.empty()) return;
    if (!schedule_) {
        // At most 50 ms worth of messages in one burst after a stall.
        schedule_.emplace(
            options_.rate, now_ns,
            std::max<std::uint64_t>(1, static_cast<std::uint64_t>(options_.rate / 20)));
        tracker_.emplace(window_, now_ns, options_.warmup_s, options_.duration_s);
    }
    if (tracker_->before_send(now_ns, send_sequence_)) {
        send_window_closed_ = true;
        return;
    }
    const std::uint64_t due = schedule_->due(now_ns);
    for (std::uint64_t i = 0; i < due; ++i) {
        const std::size_t index = open_indices_[next_sender_++ % open_indices_.size()];
        Client& client = clients_[index];
        if (client.state != State::Open) continue;
        send_frame_.clear();
        write_stamp({mono_now_ns(), send_sequence_}, send_payload_.data());
        append_masked_frame(send_frame_, WsOpcode::Text, send_payload_, mask_for(send_sequence_));
        ++send_sequence_;
        // Never a partial frame on the wire: what a full send buffer did not take waits in
        // pending_out, and messages due meanwhile on that client are dropped (they count
        // as lost, which is what a client that cannot send would see).
        if (!flush_pending_out(client)) continue;
        const ssize_t n =
            send(client.fd, send_frame_.data(), send_frame_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        const std::size_t taken = n > 0 ? static_cast<std::size_t>(n) : 0;
        if (taken > 0 && taken < send_frame_.size()) client.pending_out.assign(send_frame_, taken);
    }
    schedule_->consumed(due);
}

}  // namespace mwb::bench
