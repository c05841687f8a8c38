#!/usr/bin/env bash
# Bounded soak run on loopback: a broker, the bridge, CLIENTS churning
# WebSocket clients and a steady publisher for DURATION seconds; the broker
# is killed and restarted once halfway. Reports the bridge's RSS at start
# (after a 10 s warm-up round of the same churn), under load and after the
# clients left, and what was delivered.
#   scripts/soak.sh [DURATION_SECONDS=120] [CLIENTS=500]
set -euo pipefail

duration=${1:-120}
clients=${2:-500}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j2 --target mqtt-ws-bridge >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The churn client needs the npm package ws; kept in a cache outside git.
cache=${MWB_SOAK_CACHE:-$HOME/.cache/mqtt-ws-bridge-soak}
if [ ! -d "$cache/node_modules/ws" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --silent ws@8 >/dev/null
fi

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
mqtt_port=$(free_port)
ws_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$mqtt_port" >"$work/mosquitto.conf"

start_broker() {
  mosquitto -c "$work/mosquitto.conf" >>"$work/mosquitto.log" 2>&1 &
  broker=$!
  pids+=("$broker")
}
wait_for() { # wait_for SECONDS COMMAND...
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$until" ] || { echo "soak: timed out waiting for: $*" >&2; exit 1; }
    sleep 0.2
  done
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
metric() { curl -s "http://127.0.0.1:$ws_port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

start_broker
wait_for 10 mosquitto_pub -p "$mqtt_port" -t soak/ping -n
build/mqtt-ws-bridge --mqtt-url "tcp://127.0.0.1:$mqtt_port" --listen "127.0.0.1:$ws_port" \
  --subscribe 'soak/#' --log-level warn >"$work/bridge.log" 2>&1 &
bridge=$!
pids+=("$bridge")
wait_for 10 curl -sf "http://127.0.0.1:$ws_port/healthz"

node_bin=${MWB_SOAK_NODE:-node}
churn() { NODE_PATH="$cache/node_modules" "$node_bin" scripts/soak/churn.js "ws://127.0.0.1:$ws_port/ws" "$@"; }
# Warm-up: one short round of the same churn, so the baseline includes what
# a serving bridge keeps for good (allocator arenas, per-thread caches).
churn "$clients" 10 >/dev/null
wait_for 30 test "$(metric mwb_clients)" = 0
sleep 16 # one malloc_trim round of the bridge
rss_start=$(rss_kib "$bridge")

# A steady publisher: 200 messages/s spread over 50 topics, for the whole run.
(
  end=$((SECONDS + duration))
  i=0
  while [ "$SECONDS" -lt "$end" ]; do
    for _ in $(seq 20); do
      mosquitto_pub -p "$mqtt_port" -t "soak/$((i % 50))/x" -m "{\"seq\":$i}" 2>/dev/null || true
      i=$((i + 1))
    done
    sleep 0.1
  done
) &
pids+=("$!")

churn "$clients" "$duration" >"$work/churn.json" &
churn=$!
pids+=("$churn")

sleep $((duration / 2))
rss_load=$(rss_kib "$bridge")
kill -9 "$broker"
sleep 3
start_broker
wait_for 60 curl -sf "http://127.0.0.1:$ws_port/healthz"

wait "$churn"
wait_for 30 test "$(metric mwb_clients)" = 0
# The bridge hands freed memory back every 15 s; allow two rounds.
rss_settled() { [ $(( ($(rss_kib "$bridge") - rss_start) * 100 / rss_start )) -le 10 ]; }
settle_until=$((SECONDS + 40))
until rss_settled || [ "$SECONDS" -ge "$settle_until" ]; do sleep 1; done
rss_end=$(rss_kib "$bridge")
kill -0 "$bridge" # still alive
echo "soak: duration=${duration}s clients=$clients broker_restarts=1"
echo "soak: clients report $(cat "$work/churn.json")"
echo "soak: bridge deliveries=$(metric mwb_deliveries_total) mqtt_messages=$(metric mwb_mqtt_messages_total) reconnects=$(metric mwb_mqtt_reconnects_total)"
echo "soak: rss start=${rss_start}KiB load=${rss_load}KiB end=${rss_end}KiB"
growth=$(( (rss_end - rss_start) * 100 / rss_start ))
echo "soak: rss growth after clients left: ${growth}%"
[ "$growth" -le 10 ] || { echo "soak: RSS did not return within 10% of its start" >&2; exit 1; }
