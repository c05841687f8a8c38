// msg._msgid values: 16 hex digits, unique within the process.
#pragma once

#include <cstdint>
#include <string>

namespace mqttws {

class MessageIdGenerator {
  public:
    explicit MessageIdGenerator(std::uint64_t seed) : state_(seed) {}
    std::string next();

  private:
    std::uint64_t state_;
};

}  // namespace mqttws
