// Role: session ids. Cryptographically secure random bytes from the kernel (getrandom), read in
// blocks so a session id does not cost a syscall. One per shard thread.
#pragma once

#include <array>
#include <cstddef>

#include "mqttws/session_id.hpp"

namespace mqttws::ws {

class RandomSource {
  public:
    std::array<unsigned char, session_random_bytes> session_bytes();

  private:
    void refill();

    std::array<unsigned char, 4096> pool_{};
    std::size_t used_ = pool_.size();
};

}  // namespace mqttws::ws
