#pragma once

// websocketpp does not build warning-free under -Wpedantic; the harness target includes it as a
// SYSTEM directory. C++17 only: websocketpp 0.8.2 does not compile as C++20.
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>

namespace mwb::it {

using WsClientEndpoint = websocketpp::client<websocketpp::config::asio_client>;

}  // namespace mwb::it
