#include "app/signal_receiver.hpp"

#include <pthread.h>

namespace mqttws::app {

SignalReceiver::SignalReceiver(std::initializer_list<int> signals) {
    sigemptyset(&signals_);
    for (int signal : signals) sigaddset(&signals_, signal);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    thread_ = std::thread([this, stopped = stop_.get_future()] {
        // Boost's handler runs here and only wakes the control loop.
        pthread_sigmask(SIG_UNBLOCK, &signals_, nullptr);
        stopped.wait();
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    });
}

SignalReceiver::~SignalReceiver() {
    stop();
}

void SignalReceiver::stop() {
    if (!thread_.joinable()) return;
    stop_.set_value();
    thread_.join();
}

}  // namespace mqttws::app
