// The broker link's state as every shard may read it (for /healthz).
#pragma once

#include <atomic>

namespace mqttws::ws {

struct LinkStatus {
    std::atomic<bool> mqtt_connected{false};
};

}  // namespace mqttws::ws
