#!/usr/bin/env bash
# Install every Debian (bookworm) package the build, the tests and the local run need,
# plus any packages named as arguments (one job's extras, e.g. the fuzzers' clang).
# Idempotent and silent when everything is already installed, so other scripts can call
# it on every run.
set -euo pipefail

# The one list. Add new build/test/run dependencies here.
PACKAGES=(
  build-essential cmake pkg-config
  libpaho-mqttpp-dev libpaho-mqtt-dev
  libwebsocketpp-dev libboost-dev libboost-system-dev
  rapidjson-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libssl-dev libjwt-dev liburing-dev
  libgtest-dev
  mosquitto mosquitto-clients
  clang-format procps iproute2 curl
  nginx # tests/scale runs a private instance as the load balancer; never the system service
  prometheus
)

# shellcheck source=scripts/missing-packages.sh
. "$(dirname "${BASH_SOURCE[0]}")/missing-packages.sh"

main() {
  local missing=()
  # Extra packages for one job (e.g. the fuzzers' clang) come as arguments.
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}" "$@")
  ((${#missing[@]} == 0)) && return 0

  if ((EUID != 0)); then
    echo "deps.sh: error: missing Debian packages: ${missing[*]}" >&2
    echo "deps.sh: run as root, or: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi

  echo "deps.sh: installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh the index when we actually need to install something.
  apt-get update -qq
  # The mosquitto package may try to start a system service; without systemd nothing
  # starts, and we deliberately never start or stop system services ourselves.
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "deps.sh: done"
}

main "$@"
