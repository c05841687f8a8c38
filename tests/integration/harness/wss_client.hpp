#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "harness/http_client.hpp"
#include "harness/raw_ws_socket.hpp"

namespace mwb::it {

// A wss:// client over a blocking Boost.Asio TLS stream to 127.0.0.1 that verifies the server's
// certificate against a CA file and the host name "localhost", then speaks WebSocket by hand
// (upgrade request, unmasked server frames). Reads are bounded by a socket timeout. One test
// thread drives it.
class WssClient {
  public:
    struct Options {
        std::string ca_file;    // trust anchor for the server
        std::string cert_file;  // optional client certificate
        std::string key_file;
    };

    WssClient(std::uint16_t port, Options options);
    ~WssClient();

    // TCP connect and TLS handshake with verification; "" on success, else the reason.
    std::string connect_tls();
    // The upgrade for `resource`; after a 101, frames follow.
    HttpResponse upgrade(const std::string& resource, const HttpClient::Headers& extra = {});
    // The next server frame within `timeout`, or nullopt.
    std::optional<RawFrame> read_frame(std::chrono::milliseconds timeout);
    // The server certificate's subject CN.
    std::string peer_common_name() const;

  private:
    bool fill(std::chrono::milliseconds timeout);

    std::uint16_t port_;
    Options options_;
    boost::asio::io_context io_;
    boost::asio::ssl::context context_{boost::asio::ssl::context::tls_client};
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> stream_;
    std::string buffer_;
};

}  // namespace mwb::it
