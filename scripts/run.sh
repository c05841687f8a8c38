#!/usr/bin/env bash
# The local default: install what is missing, build, start a Mosquitto on loopback if
# none answers at --mqtt-url, and run the bridge in the foreground. Ctrl-C stops both.
#   scripts/run.sh [bridge flags...]      e.g. scripts/run.sh --listen 127.0.0.1:8080
# All arguments go to the bridge unchanged.
# Env: MWB_MQTT_URL (used when no --mqtt-url flag is given; the bridge reads it too),
#      MWB_BRIDGE_BIN (bridge binary; default build/mqtt-ws-bridge, built here first).
# Note: a --mqtt-url set only inside a --config file is not seen here; pass it as a flag
# or via MWB_MQTT_URL if you want the local-broker logic to use it.
set -euo pipefail

readonly DEFAULT_BIN=build/mqtt-ws-bridge
readonly DEFAULT_URL=tcp://127.0.0.1:1883

broker_pid=""
bridge_pid=""
tmp_dir=""

log() { echo "run.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# The URL the bridge will use: last --mqtt-url flag (as CLI11 would take it), else the
# env var, else the bridge's default.
find_mqtt_url() {
  local url=${MWB_MQTT_URL:-$DEFAULT_URL}
  while (($#)); do
    case "$1" in
      --) break ;;
      --mqtt-url=*) url=${1#--mqtt-url=} ;;
      --mqtt-url) (($# > 1)) && { url=$2; shift; } ;;
    esac
    shift
  done
  printf '%s\n' "$url"
}

# Split a tcp:// or mqtt:// URL into "host port" (port defaults to 1883). Handles
# user@host, [v6]:port and a bare v6 address. Fails for other schemes (TLS, WebSocket),
# for which we never start a local broker.
parse_mqtt_url() {
  local url=$1 scheme=tcp rest host port=""
  if [[ $url == *://* ]]; then
    scheme=${url%%://*}
    rest=${url#*://}
  else
    rest=$url
  fi
  case "${scheme,,}" in tcp | mqtt) ;; *) return 1 ;; esac
  rest=${rest%%/*}
  rest=${rest##*@}
  if [[ $rest == \[*\]* ]]; then
    host=${rest%%]*}
    host=${host#[}
    rest=${rest#*]}
    port=${rest#:}
  elif [[ $rest == *:*:* ]]; then
    host=$rest
  elif [[ $rest == *:* ]]; then
    host=${rest%:*}
    port=${rest##*:}
  else
    host=$rest
  fi
  port=${port:-1883}
  [[ -n $host && $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || return 1
  printf '%s %s\n' "$host" "$port"
}

is_loopback() {
  case "$1" in
    127.* | localhost | ::1 | 0:0:0:0:0:0:0:1) return 0 ;;
    *) return 1 ;;
  esac
}

# True if something accepts a TCP connection at host:port (bounded by timeout).
answers() {
  # shellcheck disable=SC2016 # $1/$2 expand in the inner bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Run a command in the background in its own session, so a terminal Ctrl-C reaches only
# this script, which then stops the bridge first and the broker after it. The subshell
# restores SIGINT/SIGQUIT, which bash ignores in background jobs of scripts; setsid does
# not fork here (the subshell is not a group leader), so $! is the command's own PID.
spawn() {
  (
    trap - INT QUIT
    exec setsid "$@"
  ) &
}

start_local_broker() {
  local host=$1 port=$2 i
  command -v mosquitto >/dev/null || die "mosquitto not found (scripts/deps.sh installs it)"
  tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/mwb-run.XXXXXX")
  cat >"$tmp_dir/mosquitto.conf" <<CONF
listener $port $host
allow_anonymous true
persistence false
log_dest stderr
CONF
  spawn mosquitto -c "$tmp_dir/mosquitto.conf"
  broker_pid=$!
  # ~5 s, bounded: the broker usually answers within a few milliseconds.
  for ((i = 0; i < 50; i++)); do
    answers "$host" "$port" && return 0
    kill -0 "$broker_pid" 2>/dev/null || die "local mosquitto exited early (see its log above)"
    sleep 0.1
  done
  die "local mosquitto did not answer on $host:$port within 5 s"
}

# Start a local broker only when nothing answers and the URL is on loopback; anywhere
# else the bridge's own reconnect loop is the right behaviour.
ensure_broker() {
  local url=$1 hostport host port
  if ! hostport=$(parse_mqtt_url "$url"); then
    log "local broker: not started (--mqtt-url $url is not a plain tcp:// or mqtt:// URL)"
    return 0
  fi
  read -r host port <<<"$hostport"
  if answers "$host" "$port"; then
    log "local broker: not started (a broker already answers at $host:$port)"
  elif is_loopback "$host"; then
    start_local_broker "$host" "$port"
    log "local broker: started mosquitto (pid $broker_pid) on $host:$port"
  else
    log "local broker: not started; warning: nothing answers at $host:$port (the bridge keeps retrying)"
  fi
}

build_bridge() {
  cmake -S . -B build
  cmake --build build -j2 --target mqtt-ws-bridge
}

# shellcheck disable=SC2317 # reached via trap
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Only ever touches the processes this script started.
# shellcheck disable=SC2317 # reached via trap
cleanup() {
  [[ -n $bridge_pid ]] && stop_pid "$bridge_pid"
  [[ -n $broker_pid ]] && stop_pid "$broker_pid"
  [[ -n $tmp_dir ]] && rm -rf "$tmp_dir"
  return 0
}

# Ctrl-C / kill: pass the signal on to the bridge and let it shut down cleanly (the wait
# loop below then returns); before the bridge runs, just exit (cleanup runs on EXIT).
# shellcheck disable=SC2317 # reached via trap
on_signal() {
  local sig=$1 code=$2
  if [[ -n $bridge_pid ]] && kill -0 "$bridge_pid" 2>/dev/null; then
    [[ $sig == HUP ]] && sig=TERM
    kill -s "$sig" "$bridge_pid" 2>/dev/null || true
  else
    exit "$code"
  fi
}

# Wait for the bridge; a trapped signal makes `wait` return early, so wait again while it
# still runs. bash keeps the exit status, so the final wait reports the real one.
wait_bridge() {
  while kill -0 "$bridge_pid" 2>/dev/null; do
    wait "$bridge_pid" 2>/dev/null || true
  done
  local rc=0
  wait "$bridge_pid" 2>/dev/null || rc=$?
  bridge_pid=""
  return "$rc"
}

main() {
  trap cleanup EXIT
  trap 'on_signal INT 130' INT
  trap 'on_signal TERM 143' TERM
  trap 'on_signal HUP 129' HUP

  cd "$(repo_root)"
  scripts/deps.sh

  local bin=${MWB_BRIDGE_BIN:-$DEFAULT_BIN}
  [[ $bin == "$DEFAULT_BIN" ]] && build_bridge
  [[ -x $bin ]] || die "bridge binary not found or not executable: $bin"

  ensure_broker "$(find_mqtt_url "$@")"

  spawn "$bin" "$@"
  bridge_pid=$!
  local rc=0
  wait_bridge || rc=$?
  exit "$rc"
}

main "$@"
