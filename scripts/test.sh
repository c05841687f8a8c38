#!/usr/bin/env bash
# Install what is missing, build, run every test.
#   scripts/test.sh                 build/       (CMake default build type)
#   scripts/test.sh --sanitize      build-asan/  with -DMWB_SANITIZE=ON (ASan + UBSan)
# Any further arguments go to ctest (e.g. -R TopicFilter). Exit code is ctest's.
# MWB_TEST_JOBS sets how many tests run at once (default 4).
set -euo pipefail

usage() {
  sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Sanitizer settings for everything the tests run, including the bridge binary that
# integration tests spawn. Ours come first so a caller's own options still win.
export_sanitizer_options() {
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$(repo_root)/tests/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
}

main() {
  local build_dir=build
  local cmake_args=()
  case "${1:-}" in
    --sanitize)
      shift
      build_dir=build-asan
      cmake_args+=(-DMWB_SANITIZE=ON)
      export_sanitizer_options
      ;;
    -h | --help)
      usage
      return 0
      ;;
  esac

  cd "$(repo_root)"
  scripts/deps.sh
  # Node.js runs the web console's unit tests; any provider will do.
  command -v node >/dev/null || scripts/deps.sh nodejs
  cmake -S . -B "$build_dir" "${cmake_args[@]}"
  cmake --build "$build_dir" -j2

  # Four at a time on two cores: most of a test is waiting on brokers, bridges and
  # sockets, and each test takes its own free loopback ports (the harness checks that
  # nothing else listens on them). MWB_TEST_JOBS=1 runs them one by one.
  # --no-tests=error: an empty test list must not pass CI.
  local rc=0
  ctest --test-dir "$build_dir" --output-on-failure --timeout 600 --no-tests=error \
    -j "${MWB_TEST_JOBS:-4}" "$@" || rc=$?
  return "$rc"
}

main "$@"
