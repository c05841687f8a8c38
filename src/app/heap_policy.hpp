// How the process's heap gives memory back. Large, short-lived blocks (a client's multi-MiB
// frame, a big broker message and their copies) must not stay resident after they are freed.
#pragma once

namespace mqttws::app {

// Blocks of 1 MiB and more get pages of their own, returned to the kernel when freed. glibc
// otherwise raises its mmap threshold to the largest block freed so far (up to 32 MiB), after
// which such blocks come from the heap and its peak stays resident.
void return_large_blocks_to_the_kernel();

}  // namespace mqttws::app
