#include "harness/wss_client.hpp"

#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

namespace mwb::it {

WssClient::WssClient(std::uint16_t port, Options options)
    : port_(port), options_(std::move(options)) {
    context_.set_verify_mode(boost::asio::ssl::verify_peer);
    context_.load_verify_file(options_.ca_file);
    if (!options_.cert_file.empty()) {
        context_.use_certificate_chain_file(options_.cert_file);
        context_.use_private_key_file(options_.key_file, boost::asio::ssl::context::pem);
    }
}

WssClient::~WssClient() {
    if (stream_) {
        boost::system::error_code ignored;
        stream_->lowest_layer().close(ignored);
    }
}

std::string WssClient::connect_tls() {
    stream_ =
        std::make_unique<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>(io_, context_);
    boost::system::error_code ec;
    stream_->lowest_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    if (ec) return "connect: " + ec.message();
    // Bounds every blocking read and write of this test client.
    timeval tv{10, 0};
    ::setsockopt(stream_->lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(stream_->lowest_layer().native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    stream_->set_verify_callback(boost::asio::ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream_->native_handle(), "localhost");
    stream_->handshake(boost::asio::ssl::stream_base::client, ec);
    if (ec) return "TLS handshake: " + ec.message();
    return {};
}

HttpResponse WssClient::upgrade(const std::string& resource, const HttpClient::Headers& extra) {
    HttpResponse response;
    std::string request =
        "GET " + resource + " HTTP/1.1\r\nHost: localhost:" + std::to_string(port_) + "\r\n";
    for (const auto& [name, value] : HttpClient::websocket_upgrade_headers()) {
        request += name + ": " + value + "\r\n";
    }
    for (const auto& [name, value] : extra) request += name + ": " + value + "\r\n";
    request += "\r\n";
    boost::system::error_code ec;
    boost::asio::write(*stream_, boost::asio::buffer(request), ec);
    if (ec) {
        response.error = ec.message();
        return response;
    }
    boost::asio::read_until(*stream_, boost::asio::dynamic_buffer(buffer_), "\r\n\r\n", ec);
    if (ec) {
        response.error = ec.message();
        return response;
    }
    const std::size_t end = buffer_.find("\r\n\r\n");
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    const std::size_t space = head.find(' ');
    response.status = std::atoi(head.c_str() + space + 1);
    std::size_t line = head.find("\r\n");
    while (line != std::string::npos) {
        const std::size_t next = head.find("\r\n", line + 2);
        const std::string header = head.substr(line + 2, next - line - 2);
        const std::size_t colon = header.find(':');
        if (colon != std::string::npos) {
            std::string value = header.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            response.headers.emplace_back(header.substr(0, colon), value);
        }
        line = next;
    }
    return response;
}

bool WssClient::fill(std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(stream_->lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char chunk[4096];
    boost::system::error_code ec;
    const std::size_t n = stream_->read_some(boost::asio::buffer(chunk), ec);
    if (ec) return false;
    buffer_.append(chunk, n);
    return true;
}

std::optional<RawFrame> WssClient::read_frame(std::chrono::milliseconds timeout) {
    for (;;) {
        if (buffer_.size() >= 2) {
            const auto b0 = static_cast<unsigned char>(buffer_[0]);
            const auto b1 = static_cast<unsigned char>(buffer_[1]);
            std::size_t header = 2;
            std::uint64_t length = b1 & 0x7f;
            if (length == 126 && buffer_.size() >= 4) {
                length = (static_cast<unsigned char>(buffer_[2]) << 8) |
                         static_cast<unsigned char>(buffer_[3]);
                header = 4;
            } else if (length == 127 && buffer_.size() >= 10) {
                length = 0;
                for (int i = 2; i < 10; ++i) {
                    length = (length << 8) | static_cast<unsigned char>(buffer_[i]);
                }
                header = 10;
            }
            if (!(length >= 126 && header == 2) && buffer_.size() >= header + length) {
                RawFrame frame;
                frame.fin = (b0 & 0x80) != 0;
                frame.opcode = b0 & 0x0f;
                frame.payload = buffer_.substr(header, length);
                buffer_.erase(0, header + length);
                return frame;
            }
        }
        if (!fill(timeout)) return std::nullopt;
    }
}

std::string WssClient::peer_common_name() const {
    X509* cert = SSL_get1_peer_certificate(stream_->native_handle());
    if (!cert) return {};
    char name[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
    X509_free(cert);
    return name;
}

}  // namespace mwb::it
