#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for a bounded time.
#   scripts/fuzz.sh [SECONDS]      (default 30 per target)
# Seeds come from tests/fuzz/corpus/<target>/; new inputs go to a temporary
# folder, never into the repository. Exits non-zero on the first crash.
set -euo pipefail

seconds=${1:-30}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# clang and libFuzzer are needed here only, not by the build or the tests.
scripts/deps.sh clang libfuzzer-14-dev libclang-rt-14-dev

build=build-fuzz
CXX=clang++ CC=clang cmake -S . -B "$build" -DMWB_FUZZ=ON -DMWB_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target fuzzers

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/tests/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=0
passed=0
for target in fuzz_auth_claims fuzz_client_request fuzz_envelope_encoder fuzz_payload_decoder fuzz_topic_filter \
  fuzz_ws_frame_parser fuzz_ws_target; do
  mkdir -p "$work/$target"
  echo "== $target: ${seconds}s"
  if "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/$target-" \
    "$work/$target" "tests/fuzz/corpus/$target" >"$work/$target.log" 2>&1; then
    grep -E "stat::number_of_executed_units|Done" "$work/$target.log" | tail -1
    passed=$((passed + 1))
  else
    tail -40 "$work/$target.log"
    for crash in "$work/$target"-*; do
      [ -e "$crash" ] && echo "crashing input (base64): $(base64 -w0 "$crash")"
    done
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
