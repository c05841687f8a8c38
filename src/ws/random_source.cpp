// Role: session ids (see random_source.hpp).
#include "ws/random_source.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mqttws::ws {

void RandomSource::refill() {
    std::size_t filled = 0;
    while (filled < pool_.size()) {
        const ssize_t n = getrandom(pool_.data() + filled, pool_.size() - filled, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            // Without a CSPRNG session ids would be guessable: refuse to go on.
            throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(n);
    }
    used_ = 0;
}

std::array<unsigned char, session_random_bytes> RandomSource::session_bytes() {
    if (used_ + session_random_bytes > pool_.size()) refill();
    std::array<unsigned char, session_random_bytes> out;
    std::memcpy(out.data(), pool_.data() + used_, out.size());
    // Wipe what was handed out so the pool never yields the same bytes twice.
    std::memset(pool_.data() + used_, 0, out.size());
    used_ += out.size();
    return out;
}

}  // namespace mqttws::ws
