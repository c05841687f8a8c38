#!/usr/bin/env bash
# Multi-instance run (docs/scaling.md): 1, 2 and 3 mqtt-ws-bridge instances with their own
# --instance-id on one Mosquitto, mwb-bench's clients spread round-robin over them. Per
# instance count: idle connections held, broadcast fan-out, and request/response on the
# instance-scoped response topics. Prints a markdown table; raw lines in OUT/results.jsonl.
# Loopback only; every run has a timeout.
#
#   bench/scale.sh [--build-dir DIR] [--out DIR] [--duration S]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build
OUT=""
DURATION=5
MQTT_PORT=${MWB_BENCH_MQTT_PORT:-18830}
BRIDGE_PORT=${MWB_BENCH_BRIDGE_PORT:-18080}  # instance k listens on BRIDGE_PORT + k - 1

while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    --duration) DURATION=$2; shift ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "scale.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-$BUILD_DIR/bench-results/scale-$(date -u +%Y%m%dT%H%M%SZ)}
RESULTS=$OUT/results.jsonl
BENCH=$BUILD_DIR/bench/mwb-bench
BRIDGE=$BUILD_DIR/mqtt-ws-bridge

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

# start_instances N: N bridges; sets INSTANCE_PIDS and URLS_* (one --url per instance).
start_instances() {
  local n=$1 k port
  INSTANCE_PIDS=() URLS_FANOUT=() URLS_PLAIN=()
  ulimit -n "$(ulimit -Hn)"
  for k in $(seq "$n"); do
    port=$((BRIDGE_PORT + k - 1))
    port_free "$port" || { log "port $port is taken (set MWB_BENCH_BRIDGE_PORT)"; exit 1; }
    "$BRIDGE" --mqtt-url "tcp://127.0.0.1:$MQTT_PORT" --listen "127.0.0.1:$port" \
      --instance-id "bench-$k" --subscribe 'bench/#' --allow-publish 'mqtt-ws-bridge/in/#' \
      --log-level warn > "$OUT/bridge-$n-$k.log" 2>&1 &
    INSTANCE_PIDS+=("$!")
    PIDS+=("$!")
    URLS_FANOUT+=(--url "ws://127.0.0.1:$port/ws/bench/%23")
    URLS_PLAIN+=(--url "ws://127.0.0.1:$port/ws")
  done
  for k in $(seq "$n"); do wait_listening $((BRIDGE_PORT + k - 1)); done
  sleep 1  # their MQTT subscriptions
}

stop_instances() {
  local pid
  for pid in "${INSTANCE_PIDS[@]}"; do stop_pid "$pid"; done
}

# run N LABEL mwb-bench-args...: one bounded run measuring all running instances.
run() {
  local n=$1 label=$2; shift 2
  local pid line pid_args=()
  for pid in "${INSTANCE_PIDS[@]}"; do pid_args+=(--bridge-pid "$pid"); done
  line=$(timeout 300 "$BENCH" --mqtt "tcp://127.0.0.1:$MQTT_PORT" --label "$label" \
    --broker-pid "$BROKER_PID" "${pid_args[@]}" "$@") ||
    line='{"ok":false,"error":"mwb-bench failed or timed out"}'
  echo "${line%\}},\"instances\":$n}" >> "$RESULTS"
}

table() {
  python3 - "$RESULTS" << 'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def get(n, label):
    return next((r for r in rows if r.get("instances") == n and r.get("label") == label), {})
print("| instances | idle connections held | connects/s | RSS per connection (bytes) "
      "| broadcast deliveries/s | lost | p99 ms | CPU µs/delivery "
      "| request/response answers/s | lost | p99 ms |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for n in sorted({r.get("instances") for r in rows if r.get("instances")}):
    idle, fan, rr = get(n, "idle"), get(n, "broadcast"), get(n, "roundtrip")
    f = lambda r, k, d=0: (f"{r[k]:,.{d}f}" if isinstance(r.get(k), (int, float)) else "–")
    ms = lambda r, k: (f"{r[k] / 1000:.2f}" if isinstance(r.get(k), (int, float)) else "–")
    print(f"| {n} | {f(idle, 'clients_connected')} | {f(idle, 'connects_per_s')} "
          f"| {f(idle, 'bridge_rss_per_conn_bytes')} | {f(fan, 'deliveries_per_s')} "
          f"| {f(fan, 'lost')} | {ms(fan, 'latency_p99_us')} "
          f"| {f(fan, 'bridge_cpu_us_per_delivery', 2)} | {f(rr, 'deliveries_per_s')} "
          f"| {f(rr, 'lost')} | {ms(rr, 'latency_p99_us')} |")
PY
}

main() {
  mkdir -p "$OUT"
  "$ROOT/scripts/deps.sh" python3
  cmake -S "$ROOT" -B "$BUILD_DIR" > /dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target mqtt-ws-bridge mwb-bench
  port_free "$MQTT_PORT" || { log "port $MQTT_PORT is taken (set MWB_BENCH_MQTT_PORT)"; exit 1; }
  : > "$RESULTS"
  machine_description > "$OUT/machine.txt"
  start_broker "$MQTT_PORT"
  local n
  for n in 1 2 3; do
    log "$n instance(s)"
    start_instances "$n"
    run "$n" idle --scenario idle --clients 10000 --hold 3 "${URLS_PLAIN[@]}"
    stop_instances
    start_instances "$n"
    run "$n" broadcast --clients 1000 --rate 100 --duration "$DURATION" "${URLS_FANOUT[@]}"
    run "$n" roundtrip --scenario roundtrip --clients 300 --rate 3000 --duration "$DURATION" \
      "${URLS_PLAIN[@]}"
    stop_instances
  done
  table | tee "$OUT/table.md"
  log "results: $RESULTS"
}

main
