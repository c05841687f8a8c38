#!/usr/bin/env bash
# Integration test of the docker-compose deployment (docker-compose.yml), run for real:
#   1. installs docker.io, docker-compose, debootstrap, mosquitto-clients and python3 from
#      Debian when missing, and starts dockerd (--bridge=none --iptables=false) when no
#      Docker engine answers; a dockerd started here is stopped at the end, by its PID;
#   2. makes sure the image debian:bookworm-slim exists: it tries
#      `docker pull` first; otherwise (and when that fails) it builds the image with
#      `debootstrap --variant=minbase bookworm` from the Debian mirror configured in this
#      machine's apt sources (read here, at run time) and `docker import`s it;
#   3. builds and starts the stack with host networking only (tests/compose/host-network.yml
#      replaces docker-compose.override.yml): no bridge network, everything on 127.0.0.1;
#   4. runs tests/compose/checks.py against it (authenticated MQTT on 127.0.0.1:1883,
#      WebSocket on 127.0.0.1:8080: plain and msg mode, targeted delivery, client publish,
#      request/response, broker restart), and always ends with `docker-compose down -v`.
#
#   scripts/compose-test.sh            run as root; exit 0 when every check passed
# Env: MWB_COMPOSE_PULL=0  skip `docker pull debian:bookworm-slim` (no registry here)
#      MWB_COMPOSE_KEEP=1  leave the stack running at the end (no `down -v`) to look at it
set -euo pipefail

readonly PROJECT=mwb-compose-test
readonly BASE_IMAGE=debian:bookworm-slim
readonly MQTT_PORT=1883
readonly WS_PORT=8080
readonly ENGINE_START_TIMEOUT=60
readonly TRY_PULL=${MWB_COMPOSE_PULL:-1}
readonly KEEP_STACK=${MWB_COMPOSE_KEEP:-0}

log() { printf 'compose-test.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp_dir=""
dockerd_pid=""
made_policy_rc_d=0
stack_started=0
compose=(docker-compose -p "$PROJECT" -f docker-compose.yml -f tests/compose/host-network.yml)

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if ((stack_started)); then
    if [[ $KEEP_STACK == 1 ]]; then
      log "MWB_COMPOSE_KEEP=1: leaving the stack up; remove it with:"
      log "  MQTT_BRIDGE_PASSWORD=x MQTT_APP_PASSWORD=x docker-compose -p $PROJECT" \
        "-f docker-compose.yml -f tests/compose/host-network.yml down -v"
    else
      if ((rc != 0)); then
        log "logs of the stack (last 60 lines per service):"
        timeout 60 "${compose[@]}" logs --no-color --tail=60 >&2
      fi
      log "docker-compose down -v"
      timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 10 >&2 ||
        log "warning: docker-compose down -v failed"
    fi
  fi
  release_docker_host
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/mwb-compose.XXXXXX")

# ---------------------------------------------------------------- 1. tools, engine, base image

# shellcheck source=scripts/docker-host.sh
. scripts/docker-host.sh

install_tools() {
  # openssl makes the passwords.
  install_docker_tools docker-compose mosquitto-clients python3 openssl
}

# ---------------------------------------------------------------- 2. the stack

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

main() {
  local t0=$SECONDS t
  install_tools
  command -v docker >/dev/null 2>&1 || die "no docker client on PATH"
  ensure_engine
  t=$SECONDS
  ensure_base_image
  local t_base=$((SECONDS - t))

  local port
  for port in "$MQTT_PORT" "$WS_PORT"; do
    port_in_use "$port" && die "something already listens on 127.0.0.1:$port; the stack needs it"
  done

  # The stack's settings, written as docs/deployment.md tells users to write their .env:
  # fresh passwords, and the request/response example's MWB_* settings. Nothing of this
  # shell's environment gets in (compose prefers the shell's variables to the file's).
  local app_password env_file="$tmp_dir/compose.env" var
  app_password=$(openssl rand -hex 16)
  {
    printf 'MQTT_BRIDGE_PASSWORD=%s\nMQTT_APP_PASSWORD=%s\n' "$(openssl rand -hex 16)" "$app_password"
    printf '%s\n' "MWB_ALLOW_PUBLISH='app/#,mqtt-ws-bridge/in/#'" "MWB_INSTANCE_ID=demo"
  } >"$env_file"
  for var in $(compgen -e); do
    case $var in MWB_* | MQTT_BRIDGE_PASSWORD | MQTT_APP_PASSWORD) unset "$var" ;; esac
  done
  compose=(docker-compose --env-file "$env_file" "${compose[@]:1}")

  stack_started=1 # from here on, `down -v` runs at exit whatever happens
  # No stale containers or volume from an interrupted earlier run.
  timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || true

  log "building the images (docker-compose build)"
  t=$SECONDS
  timeout 1800 "${compose[@]}" build --parallel >"$tmp_dir/build.log" 2>&1 || {
    tail -n 60 "$tmp_dir/build.log" >&2
    die "docker-compose build failed"
  }
  local t_build=$((SECONDS - t))
  log "images built in ${t_build} s: mqtt-ws-bridge:local $(image_size mqtt-ws-bridge:local)," \
    "mqtt-ws-bridge-mosquitto:local $(image_size mqtt-ws-bridge-mosquitto:local)"

  log "starting the stack (docker-compose up -d)"
  t=$SECONDS
  timeout 300 "${compose[@]}" up -d >&2 || die "docker-compose up failed"
  local t_up=$((SECONDS - t))

  log "running tests/compose/checks.py"
  t=$SECONDS
  local checks_rc=0
  env COMPOSE_CMD="${compose[*]}" COMPOSE_PROJECT="$PROJECT" MQTT_APP_PASSWORD="$app_password" \
    MQTT_PORT="$MQTT_PORT" WS_PORT="$WS_PORT" MWB_INSTANCE_ID=demo \
    timeout 600 python3 tests/compose/checks.py || checks_rc=$?
  local t_checks=$((SECONDS - t))

  log "timings: base image ${t_base} s, build ${t_build} s, up ${t_up} s, checks ${t_checks} s," \
    "total so far $((SECONDS - t0)) s"
  ((checks_rc == 0)) || die "compose checks failed (exit $checks_rc)"
  log "all compose checks passed"
}

main "$@"
