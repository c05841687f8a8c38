#!/usr/bin/env bash
# The multi-threaded delivery tests against a ThreadSanitizer build of the
# bridge (the test clients stay uninstrumented: Paho's own threads are not
# ours to judge). Fails on any TSan report from the bridge.
#   scripts/tsan.sh            (expects scripts/test.sh to have built build/)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/deps.sh
cmake -S . -B build-tsan -DMWB_TSAN=ON -DMWB_BUILD_TESTS=OFF >/dev/null
cmake --build build-tsan -j2 --target mqtt-ws-bridge
cmake -S . -B build >/dev/null
cmake --build build -j2 --target mwb-integration-tests

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
export MWB_TEST_BRIDGE_BINARY="$root/build-tsan/mqtt-ws-bridge"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp:log_path=$reports/tsan${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

# Shards, many clients, protocol ops, shutdown, the inbox under bursts and
# replays, the retained store and the history (written by the MQTT thread, read by
# the shards), the log writer thread and the descriptor reserve shared by the
# shards: where threads meet.
rc=0
ctest --test-dir build --output-on-failure --timeout 600 --no-tests=error -j 2 \
  -R 'DeliveryTest|LoadTest|ProtocolModeTest|ShutdownTest|BrokerConnectionTest|Session|FlowControlReplayTest|FlowControlBurstTest|HardeningLogSinkTest|HardeningDescriptorsTest|HistoryRecoveryTest|RetainedStateTest' || rc=$?
if compgen -G "$reports/tsan*" >/dev/null; then
  cat "$reports"/tsan*
  echo "tsan: ThreadSanitizer reported data races in the bridge" >&2
  exit 1
fi
exit "$rc"
