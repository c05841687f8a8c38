// Role: TLS. The server's TLS settings (--tls-cert, --tls-key, --tls-ca) as an OpenSSL
// context that can be replaced while connections are open: each new
// handshake switches to the current context in its ClientHello callback, and
// a connection keeps the one it shook hands with, so a reload (SIGHUP) never
// drops anyone. (websocketpp asks for the context when it prepares the next
// accept, which may be long before the handshake: hence the callback.)
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

namespace mqttws::ws {

struct TlsFiles {
    std::string cert;  // PEM chain, leaf first
    std::string key;   // PEM private key
    std::string ca;    // PEM CA bundle; set: clients must present a certificate it signed
};

using TlsContextPtr = std::shared_ptr<boost::asio::ssl::context>;

class TlsContextStore {
  public:
    explicit TlsContextStore(TlsFiles files) : files_(std::move(files)) {}

    // A context from the files as they are now, or why not (names the file).
    static std::variant<TlsContextPtr, std::string> build(const TlsFiles& files);

    // Builds from the files; on success it becomes current. On failure the
    // current context stays and the reason is returned ("" on success).
    std::string reload();

    // Thread-safe; null before the first successful reload().
    TlsContextPtr current() const;

    const TlsFiles& files() const { return files_; }

  private:
    static int on_client_hello(SSL* ssl, int* alert, void* store);

    TlsFiles files_;
    mutable std::mutex mutex_;
    TlsContextPtr current_;
};

}  // namespace mqttws::ws
