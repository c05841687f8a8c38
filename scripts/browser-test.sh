#!/usr/bin/env bash
# The web console in headless Chromium (Debian's chromium, driven by npm's
# playwright-core) against the real bridge and a real Mosquitto on loopback.
#   scripts/browser-test.sh                      build/, output in build/browser-test/
#   scripts/browser-test.sh --readme-screenshot  also rewrites docs/console.png
# playwright-core is installed from tests/browser/package-lock.json into
# build/browser-node/ (not committed; reinstalled when the lock file changes).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

readme_screenshot=""
case "${1:-}" in
  --readme-screenshot) readme_screenshot="$root/docs/console.png" ;;
  "") ;;
  *)
    sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 2
    ;;
esac

scripts/deps.sh chromium
# Node.js and npm: whatever provides them (Debian's nodejs/npm, or NodeSource's
# nodejs, which brings npm and conflicts with Debian's npm package).
command -v npm >/dev/null || scripts/deps.sh nodejs npm

build_dir=build
cmake -S . -B "$build_dir" >/dev/null
cmake --build "$build_dir" -j2 --target mqtt-ws-bridge

node_dir="$root/$build_dir/browser-node"
if ! cmp -s tests/browser/package-lock.json "$node_dir/package-lock.json" ||
  [[ ! -d $node_dir/node_modules/playwright-core ]]; then
  echo "browser-test: installing playwright-core into $node_dir"
  mkdir -p "$node_dir"
  cp tests/browser/package.json tests/browser/package-lock.json "$node_dir/"
  # No browser download: the test drives Debian's /usr/bin/chromium.
  (cd "$node_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

out_dir="$root/$build_dir/browser-test"
rm -rf "$out_dir"
mkdir -p "$out_dir"
export MWB_BRIDGE_BIN="$root/$build_dir/mqtt-ws-bridge"
export MWB_NODE_MODULES="$node_dir/node_modules"
export MWB_BROWSER_OUT="$out_dir"
export MWB_README_SCREENSHOT="$readme_screenshot"
# Bounded: every wait inside has its own deadline; this is the backstop.
timeout 300 node --test --test-reporter=spec tests/browser/console_test.mjs
echo "browser-test: screenshot and logs in $out_dir"
