// Role: TLS (see tls_context.hpp).
#include "ws/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace mqttws::ws {

namespace {

// Mozilla's "intermediate" TLS 1.2 suites (forward secrecy, AEAD only); TLS
// 1.3 keeps OpenSSL's defaults, which are all strong.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

std::string describe(const std::string& what, const std::string& path,
                     const boost::system::error_code& ec) {
    return "cannot use " + what + " '" + path + "': " + ec.message();
}

}  // namespace

std::variant<TlsContextPtr, std::string> TlsContextStore::build(const TlsFiles& files) {
    namespace ssl = boost::asio::ssl;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    boost::system::error_code ec;
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                             ssl::context::no_compression,
                         ec);
    if (ec) return "cannot set TLS options: " + ec.message();
    SSL_CTX* native = context->native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
        return std::string("cannot set the TLS version or ciphers");
    }
    context->use_certificate_chain_file(files.cert, ec);
    if (ec) return describe("certificate", files.cert, ec);
    context->use_private_key_file(files.key, ssl::context::pem, ec);
    if (ec) return describe("key", files.key, ec);
    if (SSL_CTX_check_private_key(native) != 1) {
        ERR_clear_error();
        return "the key '" + files.key + "' does not match the certificate '" + files.cert + "'";
    }
    if (!files.ca.empty()) {
        context->load_verify_file(files.ca, ec);
        if (ec) return describe("CA bundle", files.ca, ec);
        context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
        if (ec) return "cannot require client certificates: " + ec.message();
        // OpenSSL refuses to resume a verified session without one.
        static constexpr unsigned char session_context[] = "mqtt-ws-bridge";
        SSL_CTX_set_session_id_context(native, session_context, sizeof(session_context) - 1);
    }
    return context;
}

std::string TlsContextStore::reload() {
    auto built = build(files_);
    if (auto* reason = std::get_if<std::string>(&built)) return *reason;
    TlsContextPtr context = std::get<TlsContextPtr>(std::move(built));
    SSL_CTX_set_client_hello_cb(context->native_handle(), &TlsContextStore::on_client_hello, this);
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(context);
    return {};
}

int TlsContextStore::on_client_hello(SSL* ssl, int*, void* store) {
    const TlsContextPtr current = static_cast<TlsContextStore*>(store)->current();
    // The SSL takes its own reference on the context (certificate, key, CA
    // store), so it outlives a later reload.
    if (current && SSL_get_SSL_CTX(ssl) != current->native_handle()) {
        SSL_set_SSL_CTX(ssl, current->native_handle());
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

TlsContextPtr TlsContextStore::current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
}

}  // namespace mqttws::ws
