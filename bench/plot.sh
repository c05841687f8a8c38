#!/usr/bin/env bash
# Makes the latency-vs-load PNGs of docs/benchmarks.md from a compare.sh result file.
#   bench/plot.sh RESULTS.jsonl [OUTPUT_DIR]      (default OUTPUT_DIR: docs/benchmarks)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS=${1:?usage: bench/plot.sh RESULTS.jsonl [OUTPUT_DIR]}
OUTPUT=${2:-$ROOT/docs/benchmarks}
"$ROOT/scripts/deps.sh" python3 gnuplot-nox
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
mkdir -p "$OUTPUT"
python3 "$ROOT/bench/report.py" --plot-data "$RESULTS" "$DATA"
for clients in 100 1000; do
  gnuplot -e "datadir='$DATA'; clients=$clients; output='$OUTPUT/latency-$clients-clients.png'" \
    "$ROOT/bench/plot.gp"
done
ls -l "$OUTPUT"/latency-*-clients.png
