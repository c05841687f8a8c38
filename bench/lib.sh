# Shell helpers shared by bench/compare.sh and bench/scale.sh (sourced, not run).
# Callers set OUT (results folder) and append every process they start to PIDS.

log() { echo "$(basename "$0"): $*" >&2; }

PIDS=()
# Stops one process this script started and forgets it, so the exit trap never signals a
# PID the system may have given to someone else since.
stop_pid() {
  local pid=$1 kept=() p
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  PIDS=("${kept[@]}")
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# Waits (10 s at most) until something listens on 127.0.0.1:PORT.
wait_listening() {
  for _ in $(seq 100); do
    ss -Hltn "sport = :$1" | grep -q . && return 0
    sleep 0.1
  done
  log "nothing listens on port $1"; return 1
}

# start_broker PORT: a plain Mosquitto on 127.0.0.1:PORT; sets BROKER_PID.
start_broker() {
  cat > "$OUT/mosquitto.conf" << CONF
listener $1 127.0.0.1
allow_anonymous true
persistence false
CONF
  mosquitto -c "$OUT/mosquitto.conf" > "$OUT/mosquitto.log" 2>&1 & BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_listening "$1"
}

# machine_description: what the results were measured on.
machine_description() {
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-) x $(nproc)"
  echo "kernel: $(uname -r)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "mosquitto: $(mosquitto -h 2>/dev/null | head -n 1)"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
