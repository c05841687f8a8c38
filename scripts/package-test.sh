#!/usr/bin/env bash
# Test of the Debian package, installed for real into a clean Debian bookworm root:
#   1. builds the .deb with scripts/package.sh (or takes the one given as argument), and
#      lintian must report no error and no warning on it;
#   2. makes the root: the base image debian:bookworm-slim of scripts/docker-host.sh (the
#      debootstrap one where no registry answers) plus systemd and man-db, run as a
#      container with systemd as PID 1 and host networking (no bridge network);
#   3. installs the package with apt-get, which must resolve its dependencies, and checks:
#      `mqtt-ws-bridge --version`, where the files are, the conffile, the system user,
#      `systemd-analyze verify` on the unit, `man -l` on the page, and that the service
#      runs under its sandbox and bridges a message from a Mosquitto (on 127.0.0.1) to a
#      WebSocket client with the installed config (edited the way an operator would);
#   4. upgrades to the same package with a higher version: the edited config stays;
#      `apt-get remove` stops the service and keeps the config; `apt-get purge` removes
#      the config and the user.
#
#   scripts/package-test.sh [DEB]     run as root; exit 0 when every check passed
# Env: MWB_COMPOSE_PULL=0  skip `docker pull debian:bookworm-slim` (no registry here)
set -euo pipefail

readonly BASE_IMAGE=debian:bookworm-slim
readonly ROOT_IMAGE=mwb-package-test:systemd
readonly CONTAINER=mwb-package-test
readonly ENGINE_START_TIMEOUT=60
readonly TRY_PULL=${MWB_COMPOSE_PULL:-1}

log() { printf 'package-test.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp_dir=""
dockerd_pid=""
made_policy_rc_d=0
mosquitto_pid=""
container_started=0

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if ((container_started)); then
    if ((rc != 0)); then
      log "the service's journal (last 40 lines):"
      timeout 30 docker exec "$CONTAINER" journalctl -u mqtt-ws-bridge --no-pager -n 40 >&2
    fi
    timeout 60 docker rm -f "$CONTAINER" >/dev/null 2>&1
  fi
  if [[ -n $mosquitto_pid ]] && kill -0 "$mosquitto_pid" 2>/dev/null; then
    kill -TERM "$mosquitto_pid"
    wait "$mosquitto_pid" 2>/dev/null
  fi
  release_docker_host
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/mwb-package-test.XXXXXX")

# shellcheck source=scripts/docker-host.sh
. scripts/docker-host.sh

in_root() { timeout 300 docker exec "$CONTAINER" "$@"; }
# The same, with this script's standard input passed on.
in_root_stdin() { timeout 300 docker exec -i "$CONTAINER" "$@"; }
apt_in_root() { in_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
check() { log "ok: $*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  local port=$1 deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || die "nothing listens on 127.0.0.1:$port after 30 s"
    sleep 0.1 # polling for readiness, bounded by the deadline
  done
}

# The root: bookworm as debootstrap made it (man pages allowed back in) plus systemd.
build_root_image() {
  mkdir -p "$tmp_dir/root-image"
  cat >"$tmp_dir/root-image/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE
RUN rm -f /etc/dpkg/dpkg.cfg.d/docker \\
 && apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      systemd systemd-sysv dbus man-db \\
 && systemctl mask systemd-logind.service getty.target console-getty.service
STOPSIGNAL SIGRTMIN+3
CMD ["/lib/systemd/systemd"]
DOCKERFILE
  timeout 900 docker build --network host -t "$ROOT_IMAGE" "$tmp_dir/root-image" \
    >"$tmp_dir/root-image.log" 2>&1 || {
    tail -n 40 "$tmp_dir/root-image.log" >&2
    die "building $ROOT_IMAGE failed"
  }
}

start_root() {
  # SYS_ADMIN and no seccomp profile: systemd mounts, and sets up the unit's sandbox
  # (namespaces, read-only binds) inside the container.
  docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
  container_started=1
  docker run -d --name "$CONTAINER" --network host --cap-add SYS_ADMIN \
    --security-opt seccomp=unconfined --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw "$ROOT_IMAGE" >/dev/null
  local deadline=$((SECONDS + 60)) state=""
  until [[ $state == running || $state == degraded ]]; do
    ((SECONDS < deadline)) || die "systemd in the root did not come up (state: ${state:-none})"
    sleep 0.5 # polling for readiness, bounded by the deadline
    state=$(docker exec "$CONTAINER" systemctl is-system-running 2>/dev/null || true)
  done
}

start_mosquitto() {
  mqtt_port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" \
    >"$tmp_dir/mosquitto.conf"
  mosquitto -c "$tmp_dir/mosquitto.conf" >"$tmp_dir/mosquitto.log" 2>&1 &
  mosquitto_pid=$!
  wait_port "$mqtt_port"
}

# The same package with a higher version, for the upgrade.
repack_with_version() {
  local deb=$1 version=$2 out=$3 dir="$tmp_dir/repack"
  rm -rf "$dir"
  dpkg-deb -R "$deb" "$dir"
  sed -i "s/^Version: .*/Version: $version/" "$dir/DEBIAN/control"
  dpkg-deb --root-owner-group -b "$dir" "$out" >/dev/null
}

service_state() { in_root systemctl is-active mqtt-ws-bridge 2>/dev/null || true; }

main() {
  local t0=$SECONDS deb=${1:-}
  install_docker_tools mosquitto mosquitto-clients python3 lintian
  command -v docker >/dev/null 2>&1 || die "no docker client on PATH"
  if [[ -z $deb ]]; then
    log "building the package (scripts/package.sh)"
    scripts/package.sh "$tmp_dir/dist"
    deb=$(find "$tmp_dir/dist" -name 'mqtt-ws-bridge_*.deb' | head -n 1)
  fi
  [[ -f $deb ]] || die "no package at '$deb'"
  local version
  version=$(dpkg-deb -f "$deb" Version)
  local t_build=$((SECONDS - t0)) t=$SECONDS
  # Debian's own checks of a package (policy, file places, maintainer scripts).
  lintian --fail-on error,warning "$deb" >"$tmp_dir/lintian.log" 2>&1 || {
    cat "$tmp_dir/lintian.log" >&2
    die "lintian found problems in $(basename "$deb")"
  }
  check "lintian: no errors or warnings"

  ensure_engine
  ensure_base_image
  build_root_image
  start_root
  local t_root=$((SECONDS - t))
  start_mosquitto
  local ws_port
  ws_port=$(free_port)

  # Where the service listens and which broker it uses: a drop-in, as an operator would
  # write with `systemctl edit` (loopback only; the default would be 0.0.0.0:8080).
  in_root mkdir -p /etc/systemd/system/mqtt-ws-bridge.service.d
  printf '[Service]\nEnvironment=MWB_MQTT_URL=tcp://127.0.0.1:%s MWB_LISTEN=127.0.0.1:%s\n' \
    "$mqtt_port" "$ws_port" | in_root_stdin tee /etc/systemd/system/mqtt-ws-bridge.service.d/test.conf >/dev/null

  log "installing $(basename "$deb") with apt-get"
  t=$SECONDS
  docker cp "$deb" "$CONTAINER:/root/mqtt-ws-bridge.deb"
  apt_in_root update -qq >/dev/null
  apt_in_root install -y -qq --no-install-recommends /root/mqtt-ws-bridge.deb \
    >"$tmp_dir/install.log" 2>&1 || { tail -n 30 "$tmp_dir/install.log" >&2; die "apt-get install failed"; }
  local t_install=$((SECONDS - t))
  check "apt-get install resolved: $(in_root dpkg-query -W -f='${Depends}' mqtt-ws-bridge)"

  [[ $(in_root mqtt-ws-bridge --version) == "$version" ]] || die "mqtt-ws-bridge --version is not $version"
  check "mqtt-ws-bridge --version says $version"
  local f
  for f in /usr/bin/mqtt-ws-bridge /usr/share/mqtt-ws-bridge/web/index.html \
    /usr/share/mqtt-ws-bridge/web/client.js /usr/share/man/man1/mqtt-ws-bridge.1.gz \
    /etc/mqtt-ws-bridge/config.toml /lib/systemd/system/mqtt-ws-bridge.service; do
    in_root test -f "$f" || die "$f is not installed"
  done
  check "binary, console, man page, config and unit are in place"
  in_root dpkg-query -W -f='${Conffiles}\n' mqtt-ws-bridge | grep -q '^ /etc/mqtt-ws-bridge/config.toml ' ||
    die "/etc/mqtt-ws-bridge/config.toml is not a conffile"
  check "/etc/mqtt-ws-bridge/config.toml is a conffile"
  [[ $(in_root getent passwd mqtt-ws-bridge | cut -d: -f7) == /usr/sbin/nologin ]] ||
    die "no system user mqtt-ws-bridge with a nologin shell"
  check "system user mqtt-ws-bridge exists"
  in_root systemd-analyze verify /lib/systemd/system/mqtt-ws-bridge.service >"$tmp_dir/verify.log" 2>&1 || {
    cat "$tmp_dir/verify.log" >&2
    die "systemd-analyze verify refused the unit"
  }
  check "systemd-analyze verify accepts the unit"
  in_root env MANPAGER=cat MANWIDTH=80 man -l /usr/share/man/man1/mqtt-ws-bridge.1.gz \
    >"$tmp_dir/man.txt" 2>"$tmp_dir/man.err" || { cat "$tmp_dir/man.err" >&2; die "man -l failed"; }
  grep -q -- '--subscribe' "$tmp_dir/man.txt" && grep -q 'config.toml' "$tmp_dir/man.txt" ||
    die "the man page lacks the flags or the FILES section"
  check "man -l renders the page ($(wc -l <"$tmp_dir/man.txt") lines)"
  [[ $(in_root systemctl is-enabled mqtt-ws-bridge) == enabled ]] || die "the unit is not enabled"
  [[ $(service_state) == active ]] || die "the service is not running after install"
  check "the service is enabled and running"
  # Under its sandbox the service still gets io_uring (the unit allows its three calls),
  # unless this kernel refuses io_uring to every process.
  local expected_writes="writes by io_uring" deadline=$((SECONDS + 30))
  if [[ -r /proc/sys/kernel/io_uring_disabled && $(</proc/sys/kernel/io_uring_disabled) != 0 ]]; then
    expected_writes="writes by sendmsg"
  fi
  until in_root journalctl -u mqtt-ws-bridge --no-pager | grep -q "$expected_writes"; do
    ((SECONDS < deadline)) || die "the service's start-up line does not say: $expected_writes"
    sleep 0.5
  done
  check "the service says $expected_writes"

  # The operator's edit: a filter with '#' (kept whole) and the msg form.
  in_root sh -c 'printf "\n# local settings\nsubscribe = [\"pkgtest/#\"]\nsend = \"msg\"\n" >> /etc/mqtt-ws-bridge/config.toml'
  in_root cp /etc/mqtt-ws-bridge/config.toml /root/config.edited
  in_root systemctl restart mqtt-ws-bridge
  python3 tests/package/bridge_check.py "$ws_port" "$mqtt_port" pkgtest/installed
  check "the installed service bridged MQTT to a WebSocket client with the installed config"
  in_root systemctl reload mqtt-ws-bridge
  [[ $(service_state) == active ]] || die "the service did not survive systemctl reload (SIGHUP)"
  check "systemctl reload (SIGHUP) keeps it running"
  log "sandbox: $(in_root systemd-analyze security mqtt-ws-bridge --no-pager 2>/dev/null | tail -n 1)"

  log "upgrading to $version+test1"
  repack_with_version "$deb" "$version+test1" "$tmp_dir/upgrade.deb"
  docker cp "$tmp_dir/upgrade.deb" "$CONTAINER:/root/upgrade.deb"
  apt_in_root install -y -qq /root/upgrade.deb >"$tmp_dir/upgrade.log" 2>&1 || {
    tail -n 30 "$tmp_dir/upgrade.log" >&2
    die "the upgrade failed"
  }
  [[ $(in_root dpkg-query -W -f='${Version}' mqtt-ws-bridge) == "$version+test1" ]] || die "not upgraded"
  in_root cmp -s /etc/mqtt-ws-bridge/config.toml /root/config.edited || die "the upgrade changed the edited config"
  python3 tests/package/bridge_check.py "$ws_port" "$mqtt_port" pkgtest/upgraded
  check "the upgrade kept the edited config, and the restarted service uses it"

  apt_in_root remove -y -qq mqtt-ws-bridge >"$tmp_dir/remove.log" 2>&1 || die "apt-get remove failed"
  in_root test ! -e /usr/bin/mqtt-ws-bridge || die "apt-get remove left the binary"
  [[ $(service_state) != active ]] || die "the service still runs after apt-get remove"
  (exec 3<>"/dev/tcp/127.0.0.1/$ws_port") 2>/dev/null && die "something still listens on $ws_port after remove"
  in_root test -f /etc/mqtt-ws-bridge/config.toml || die "apt-get remove took the config"
  check "apt-get remove stopped the service and kept the config"
  apt_in_root purge -y -qq mqtt-ws-bridge >"$tmp_dir/purge.log" 2>&1 || die "apt-get purge failed"
  in_root test ! -e /etc/mqtt-ws-bridge/config.toml || die "apt-get purge left the config"
  in_root getent passwd mqtt-ws-bridge >/dev/null && die "apt-get purge left the user"
  check "apt-get purge removed the config and the user"

  log "timings: package ${t_build} s, root ${t_root} s, install ${t_install} s," \
    "total $((SECONDS - t0)) s"
  log "all package checks passed"
}

main "$@"
