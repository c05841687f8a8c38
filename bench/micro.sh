#!/usr/bin/env bash
# Micro-benchmarks of the core (bench/micro/), e.g. how a retained replay's cost grows
# with what is stored (docs/benchmarks.md, "Retained replay against the store's size").
#   bench/micro.sh [--build-dir DIR]      (default build/)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build
if [[ ${1:-} == --build-dir ]]; then BUILD_DIR=$(realpath -m "$2"); fi
"$ROOT/scripts/deps.sh" libbenchmark-dev
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$BUILD_DIR" -j2 --target mwb-retained-bench
"$BUILD_DIR/bench/mwb-retained-bench" --benchmark_counters_tabular=true
