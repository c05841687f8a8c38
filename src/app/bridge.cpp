#include "app/bridge.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "mqtt/mqtt_link.hpp"
#include "ws/ws_server.hpp"

namespace mqttws::app {

int run_bridge(const Config& config) {
    // The control loop: signals and the MQTT reconnect timer.
    boost::asio::io_context control{1};
    auto work = boost::asio::make_work_guard(control);

    ws::WsServer server(config.ws, nullptr);
    if (const auto ec = server.start()) {
        spdlog::error("cannot listen on {}:{}: {}", config.ws.listen_host, config.ws.listen_port,
                      ec.message());
        return 1;
    }
    spdlog::info("listening on {}:{} (WebSocket at {}, {} thread(s))", config.ws.listen_host,
                 config.ws.listen_port, config.ws.ws_path, config.ws.threads);

    mqtt::LinkEvents events;
    events.on_message = [&server](MessagePtr message) { server.deliver(std::move(message)); };
    events.on_link_change = [&server](bool up) { server.set_mqtt_connected(up); };
    mqtt::MqttLink link(config.mqtt, std::move(events), control);
    link.start();

    boost::asio::signal_set signals(control, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("{}: shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
        server.shutdown();
        work.reset();
        control.stop();
    });
    control.run();

    server.join();
    link.stop(std::chrono::seconds(2));
    spdlog::info("stopped");
    return 0;
}

}  // namespace mqttws::app
