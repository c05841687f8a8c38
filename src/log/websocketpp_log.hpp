// websocketpp's access and error logs, routed into spdlog: a drop-in for
// websocketpp::log::basic (the elog_type/alog_type of a websocketpp config).
//
// Nearly everything websocketpp reports concerns one peer (a reset while
// writing, a half-finished handshake), and the bridge logs each connection's
// close itself with the reason; so its messages land at debug, except
// "fatal", which is kept at warn. Access lines, if ever enabled, at trace.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <type_traits>
#include <websocketpp/logger/levels.hpp>

#include "log/log_event.hpp"

namespace mqttws::log {

template <typename Concurrency, typename Names>
class WebsocketppLog {
  public:
    using level = websocketpp::log::level;
    using hint = websocketpp::log::channel_type_hint;

    explicit WebsocketppLog(hint::value = hint::access) {}
    explicit WebsocketppLog(level static_channels, hint::value = hint::access)
        : static_channels_(static_channels) {}

    void set_channels(level channels) {
        if (channels == Names::none) {
            clear_channels(Names::all);
            return;
        }
        dynamic_channels_ |= (channels & static_channels_);
    }
    void clear_channels(level channels) { dynamic_channels_ &= ~channels; }

    void write(level channel, const std::string& msg) { write(channel, msg.c_str()); }
    void write(level channel, const char* msg) {
        if (!dynamic_test(channel)) return;
        const auto spd_level = level_of(channel);
        if (!enabled(spd_level)) return;
        event(spd_level, "websocketpp",
              Fields().add("channel", Names::channel_name(channel)).add("detail", msg));
    }

    constexpr bool static_test(level channel) const { return (channel & static_channels_) != 0; }
    bool dynamic_test(level channel) const { return (channel & dynamic_channels_) != 0; }

  private:
    static spdlog::level::level_enum level_of(level channel) {
        if constexpr (std::is_same_v<Names, websocketpp::log::elevel>) {
            return channel == websocketpp::log::elevel::fatal ? spdlog::level::warn
                                                              : spdlog::level::debug;
        } else {
            return spdlog::level::trace;
        }
    }

    level static_channels_ = 0xffffffff;
    level dynamic_channels_ = 0;
};

// Which channels an endpoint keeps, given the spdlog level in force. Error
// channels are cheap (they fire on failures only). Access channels stay off:
// the bridge logs every connection itself, their per-frame lines cost
// throughput, and their connect/http lines carry the full request URI, query
// string included, which may hold a client's credentials.
template <typename Endpoint>
void route_websocketpp_logs(Endpoint& endpoint) {
    namespace wl = websocketpp::log;
    endpoint.clear_access_channels(wl::alevel::all);
    endpoint.clear_error_channels(wl::elevel::all);
    if (enabled(spdlog::level::warn)) endpoint.set_error_channels(wl::elevel::fatal);
    if (enabled(spdlog::level::debug)) {
        endpoint.set_error_channels(wl::elevel::info | wl::elevel::warn | wl::elevel::rerror |
                                    wl::elevel::fatal);
    }
}

}  // namespace mqttws::log
