#include "app/bridge.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <functional>
#include <optional>

#include "app/metrics_exposition.hpp"
#include "app/open_file_limit.hpp"
#include "app/retained_sync.hpp"
#include "app/signal_receiver.hpp"
#include "mqtt/mqtt_link.hpp"
#include "ws/ws_server.hpp"

namespace mqttws::app {

int run_bridge(const Config& config) {
    // Before any thread is started (see SignalReceiver).
    SignalReceiver signal_receiver{SIGINT, SIGTERM, SIGHUP};

    // The control loop: signals and the MQTT reconnect timer.
    boost::asio::io_context control{1};
    auto work = boost::asio::make_work_guard(control);

    // The link and the server point at each other; the link is created
    // first and torn down first, so no Paho callback outlives the server.
    ws::WsServer* server_ref = nullptr;
    RetainedSync* retained_ref = nullptr;
    mqtt::LinkEvents events;
    events.on_message = [&server_ref](MessagePtr message) {
        server_ref->deliver(std::move(message));
    };
    events.on_link_change = [&server_ref, &retained_ref](bool up) {
        server_ref->set_mqtt_connected(up);
        retained_ref->link_changed(up);
    };
    events.on_connected = [&retained_ref] { retained_ref->link_connected(); };
    std::optional<mqtt::MqttLink> link;
    link.emplace(config.mqtt, std::move(events), control);

    // Descriptors beyond connections: the listeners, the broker link, logs.
    constexpr std::uint64_t reserved_files = 64;
    const std::uint64_t open_files = raise_open_file_limit();
    if (open_files != 0 && config.ws.max_connections + reserved_files > open_files) {
        spdlog::info(
            "open-file limit {}: about {} connections fit below --max-connections {} "
            "(raise the hard limit to hold more: LimitNOFILE=, docker --ulimit nofile=)",
            open_files, open_files > reserved_files ? open_files - reserved_files : 0,
            config.ws.max_connections);
    }

    // Answered on shard threads, only once the server has started.
    auto metrics = [&server_ref, &link] {
        return render_metrics(server_ref->state(), link->counters(), server_ref->counters(),
                              server_ref->retained(), server_ref->history());
    };
    ws::WsServer server(config.ws, &*link, metrics);
    server_ref = &server;
    if (const auto ec = server.start()) {
        spdlog::error("cannot listen on {}:{}: {}", config.ws.listen_host, config.ws.listen_port,
                      ec.message());
        return 1;
    }
    spdlog::info("listening on {}:{} ({} at {}, {} thread(s), writes by {}); instance {}",
                 config.ws.listen_host, config.ws.listen_port,
                 config.ws.security.tls ? "wss" : "ws", config.ws.ws_path, config.ws.threads,
                 server.write_method(), config.instance_id);
    RetainedSync retained_sync(control, server, config.ws.retained_settle);
    retained_ref = &retained_sync;
    retained_sync.start();
    link->start();

    // Connection churn frees memory in every thread's malloc arena; glibc
    // keeps it unless asked, so RSS would only ever grow. Hand it back.
    boost::asio::steady_timer trim_timer(control);
    std::function<void()> schedule_trim = [&] {
        trim_timer.expires_after(std::chrono::seconds(15));
        trim_timer.async_wait([&](const boost::system::error_code& ec) {
            if (ec) return;
            malloc_trim(0);
            schedule_trim();
        });
    };
    schedule_trim();

    // SIGHUP: new TLS handshakes use the certificate files as they are now;
    // open connections keep theirs. A bad file keeps the old certificate.
    boost::asio::signal_set reload_signals(control, SIGHUP);
    std::function<void()> await_reload = [&] {
        reload_signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            if (const auto& tls = config.ws.security.tls) {
                if (auto reason = tls->reload(); reason.empty()) {
                    spdlog::info("SIGHUP: TLS certificate reloaded from {}", tls->files().cert);
                } else {
                    spdlog::error("SIGHUP: keeping the current TLS certificate: {}", reason);
                }
            } else {
                spdlog::info("SIGHUP: nothing to reload (no --tls-cert)");
            }
            await_reload();
        });
    };
    await_reload();

    boost::asio::signal_set signals(control, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("{}: closing clients and disconnecting",
                     signal == SIGINT ? "SIGINT" : "SIGTERM");
        server.shutdown();
        trim_timer.cancel();
        retained_sync.stop();
        reload_signals.cancel();
        work.reset();
        control.stop();
    });
    control.run();

    server.join();
    link->stop(std::chrono::seconds(2));
    link.reset();
    // A repeated SIGTERM now stays pending instead of killing a clean exit.
    signal_receiver.stop();
    spdlog::info("stopped");
    return 0;
}

}  // namespace mqttws::app
