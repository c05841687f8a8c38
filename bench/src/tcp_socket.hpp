// Small blocking-socket helpers for the publisher and the echo backend (one socket each).
#pragma once

#include <string>
#include <string_view>

#include "bench_options.hpp"

namespace mwb::bench {

// A connected blocking TCP socket with TCP_NODELAY, or -1 with `error` set.
int connect_tcp(const Endpoint& endpoint, std::string& error);
bool write_all(int fd, std::string_view data);

}  // namespace mwb::bench
