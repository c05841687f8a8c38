// Role: websocketpp glue. The configuration of one shard: a single thread
// owns the endpoint and all its connections, so websocketpp's locks and
// strands are pure overhead and are switched off. One configuration per
// transport (plain TCP or TLS); everything else is shared.
#pragma once

#include <type_traits>
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/asio.hpp>
#include <websocketpp/server.hpp>

#include "log/websocketpp_log.hpp"
#include "ws/http10_request.hpp"
#include "ws/write_aware_transport.hpp"

namespace mqttws::ws {

template <typename SocketType>
struct BasicShardConfig : public websocketpp::config::asio {
    typedef BasicShardConfig<SocketType> type;
    typedef websocketpp::config::asio base;

    typedef websocketpp::concurrency::none concurrency_type;
    typedef Http10Request request_type;
    typedef base::response_type response_type;
    typedef base::message_type message_type;
    typedef base::con_msg_manager_type con_msg_manager_type;
    typedef base::endpoint_msg_manager_type endpoint_msg_manager_type;
    // Into spdlog, not websocketpp's own stdout/stderr lines.
    typedef log::WebsocketppLog<concurrency_type, websocketpp::log::elevel> elog_type;
    typedef log::WebsocketppLog<concurrency_type, websocketpp::log::alevel> alog_type;
    typedef base::rng_type rng_type;

    struct transport_config : public base::transport_config {
        typedef typename type::concurrency_type concurrency_type;
        typedef typename type::alog_type alog_type;
        typedef typename type::elog_type elog_type;
        typedef typename type::request_type request_type;
        typedef typename type::response_type response_type;
        typedef SocketType socket_type;
        static const bool enable_multithreading = false;
        // The TLS handshake's limit is --handshake-timeout, applied by
        // WriteAwareConnection::init; websocketpp's own is fixed at build time.
        static const long timeout_socket_post_init = 0;
    };
    // Reports completed frame writes; carries the connection's client id.
    typedef WriteAwareEndpoint<transport_config> transport_type;

    // The read buffer is an array inside every connection object, idle or not:
    // at 16 KiB an idle connection cost 11.9 KB, at 1 KiB 8.7 KB
    // (docs/benchmarks.md). Clients send little (ops of a few hundred bytes); a
    // handshake or a large frame just takes a few more reads.
    static const size_t connection_read_buffer_size = 256;
};

using PlainConfig = BasicShardConfig<websocketpp::transport::asio::basic_socket::endpoint>;
using TlsConfig = BasicShardConfig<websocketpp::transport::asio::tls_socket::endpoint>;

// Prepared frames are built once per message and shared by every shard,
// plain or TLS: both transports must agree on the frame type.
static_assert(std::is_same_v<PlainConfig::message_type, FrameMessage>);
static_assert(std::is_same_v<TlsConfig::message_type, FrameMessage>);

}  // namespace mqttws::ws
