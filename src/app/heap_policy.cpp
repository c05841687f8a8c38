#include "app/heap_policy.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

namespace mqttws::app {

void return_large_blocks_to_the_kernel() {
#ifdef M_MMAP_THRESHOLD
    constexpr int one_mib = 1 << 20;
    if (mallopt(M_MMAP_THRESHOLD, one_mib) != 1) {
        spdlog::debug("the allocator keeps its own mmap threshold");
    }
#endif
}

}  // namespace mqttws::app
