// Linux hands a process-directed signal to any thread that does not block it.
// Paho, websocketpp and the shards start threads of their own; if one of them
// may take SIGTERM, a repeat that arrives after Boost's signal_set is gone
// (it restores the default action) kills the process in the middle of a clean
// exit. So the stop and reload signals are blocked in every thread but one
// that exists only to take them while the bridge runs.
#pragma once

#include <signal.h>

#include <future>
#include <initializer_list>
#include <thread>

namespace mqttws::app {

class SignalReceiver {
  public:
    // Call before any other thread exists: threads inherit the blocked mask.
    explicit SignalReceiver(std::initializer_list<int> signals);
    ~SignalReceiver();
    SignalReceiver(const SignalReceiver&) = delete;
    SignalReceiver& operator=(const SignalReceiver&) = delete;

    // From now on the signals stay pending in every thread: call it before the
    // signal_sets that handle them are destroyed.
    void stop();

  private:
    sigset_t signals_{};
    std::promise<void> stop_;
    std::thread thread_;
};

}  // namespace mqttws::app
