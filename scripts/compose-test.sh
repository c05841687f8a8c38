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

unmount_below() {
  local dir=$1 mnt
  [[ -d $dir ]] || return 0
  # Deepest first: debootstrap mounts proc/sys in the target and a failure may leave them.
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
}

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
  if [[ -n $dockerd_pid ]] && kill -0 "$dockerd_pid" 2>/dev/null; then
    log "stopping the dockerd this script started (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$dockerd_pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2 # polling for exit, bounded by the deadline
    done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      log "warning: dockerd did not stop in 60 s; sending SIGKILL"
      kill -KILL "$dockerd_pid"
    fi
  fi
  ((made_policy_rc_d)) && rm -f /usr/sbin/policy-rc.d
  if [[ -n $tmp_dir ]]; then
    unmount_below "$tmp_dir"
    rm -rf --one-file-system "$tmp_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/mwb-compose.XXXXXX")

# ---------------------------------------------------------------- 1. tools and engine

engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ $status == ii* ]] || printf '%s\n' "$pkg"
  done
}

install_tools() {
  # openssl makes the passwords; debootstrap builds the base image when it is missing.
  local wanted=(docker-compose mosquitto-clients python3 openssl)
  # docker.io only when neither dockerd nor an answering engine is there: it conflicts
  # with Docker's own docker-ce packages.
  if ! command -v dockerd >/dev/null 2>&1 && ! { command -v docker >/dev/null 2>&1 && engine_answers; }; then
    wanted+=(docker.io)
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    wanted+=(debootstrap)
  fi
  local missing=()
  mapfile -t missing < <(missing_packages "${wanted[@]}")
  # A docker-compose or python3 from elsewhere on PATH will do.
  local keep=() pkg
  for pkg in "${missing[@]}"; do
    case $pkg in
      docker-compose) command -v docker-compose >/dev/null 2>&1 || keep+=("$pkg") ;;
      python3) command -v python3 >/dev/null 2>&1 || keep+=("$pkg") ;;
      debootstrap) command -v debootstrap >/dev/null 2>&1 || keep+=("$pkg") ;;
      *) keep+=("$pkg") ;;
    esac
  done
  ((${#keep[@]} == 0)) && return 0
  ((EUID == 0)) || die "missing Debian packages: ${keep[*]} (run as root)"
  log "installing: ${keep[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # docker.io's postinst must not start a dockerd with its default bridge network: where
  # no policy-rc.d exists, one that denies every service start is in place meanwhile.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# compose-test.sh: no service starts during its apt-get install\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    made_policy_rc_d=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${keep[@]}" >/dev/null
  if ((made_policy_rc_d)); then
    rm -f /usr/sbin/policy-rc.d
    made_policy_rc_d=0
  fi
}

ensure_engine() {
  if engine_answers; then
    log "using the Docker engine that answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  [[ -z ${DOCKER_HOST:-} ]] || die "DOCKER_HOST=$DOCKER_HOST does not answer"
  command -v dockerd >/dev/null 2>&1 || die "no Docker engine answers and dockerd is not installed"
  ((EUID == 0)) || die "no Docker engine answers; run as root so this script can start dockerd"
  local dockerd_log="$tmp_dir/dockerd.log"
  log "starting dockerd --bridge=none --iptables=false (log: $dockerd_log)"
  dockerd --bridge=none --iptables=false >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  local deadline=$((SECONDS + ENGINE_START_TIMEOUT))
  until timeout 5 docker info >/dev/null 2>&1; do
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
      tail -n 30 "$dockerd_log" >&2
      dockerd_pid=""
      die "dockerd exited during start"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$dockerd_log" >&2
      die "dockerd did not answer within ${ENGINE_START_TIMEOUT}s"
    fi
    sleep 0.5 # polling for readiness, bounded by the deadline
  done
  log "dockerd answers (pid $dockerd_pid)"
}

# ---------------------------------------------------------------- 2. the base image

# Print the URIs of the deb sources whose suites include $1 (deb822 files first, then the
# one-line format). Nothing is printed when there is none.
apt_uris_for_suite() {
  local suite=$1 f
  local sources=()
  shopt -s nullglob
  sources=(/etc/apt/sources.list.d/*.sources)
  shopt -u nullglob
  for f in "${sources[@]}"; do
    awk -v want="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (line ~ /^Types:/) { sub(/^Types:[ \t]*/, "", line); types = line }
          else if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", line); uris = line }
          else if (line ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", line); suites = line }
          else if (line ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/, "", line); enabled = tolower(line) }
        }
        if (enabled == "no") next
        if ((" " types " ") !~ /[ \t]deb[ \t]/) next
        if ((" " suites " ") !~ ("[ \t]" want "[ \t]")) next
        n = split(uris, u, /[ \t]+/)
        for (j = 1; j <= n; j++) if (u[j] != "") print u[j]
      }' "$f"
  done
  local lists=()
  [[ -f /etc/apt/sources.list ]] && lists+=(/etc/apt/sources.list)
  shopt -s nullglob
  lists+=(/etc/apt/sources.list.d/*.list)
  shopt -u nullglob
  ((${#lists[@]})) || return 0
  awk -v want="$suite" '
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == want) print $i
    }' "${lists[@]}"
}

first_uri() { awk 'NF && $1 ~ /^(https?|file|ftp):/ { print; exit }'; }

build_base_image() {
  local mirror security rootfs="$tmp_dir/rootfs"
  mirror=$(apt_uris_for_suite bookworm | first_uri)
  if [[ -z $mirror ]]; then
    # Not a bookworm host: any Debian archive mirror it uses carries bookworm too.
    mirror=$( { apt_uris_for_suite trixie; apt_uris_for_suite sid; apt_uris_for_suite stable; } | first_uri)
  fi
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  security=$(apt_uris_for_suite bookworm-security | first_uri)
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local keyring_opt=()
  [[ -f $keyring ]] && keyring_opt=(--keyring="$keyring")

  log "building $BASE_IMAGE: debootstrap --variant=minbase bookworm from the configured mirror (about a minute)"
  local started=$SECONDS
  if ! debootstrap --variant=minbase "${keyring_opt[@]}" bookworm "$rootfs" "$mirror" \
      >"$tmp_dir/debootstrap.log" 2>&1; then
    tail -n 40 "$tmp_dir/debootstrap.log" >&2
    [[ -f $rootfs/debootstrap/debootstrap.log ]] && tail -n 40 "$rootfs/debootstrap/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  unmount_below "$rootfs"

  # The image's apt sources: the same mirrors as this host's (bookworm, -updates, -security).
  rm -f "$rootfs/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\n' "$mirror"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [[ -n $security ]]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\n' "$security"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$rootfs/etc/apt/sources.list.d/debian.sources"

  # "slim" as Debian's official image is: no docs (but copyrights), man pages, locales;
  # apt keeps no package caches or indexes in images.
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/etc/apt/apt.conf.d"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Acquire::GzipIndexes "true";\n' >"$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/* \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old
  # Nothing of this host: Docker provides these files to each container.
  : >"$rootfs/etc/resolv.conf"
  : >"$rootfs/etc/machine-id"
  printf 'localhost\n' >"$rootfs/etc/hostname"
  rm -rf "${rootfs:?}"/dev/* "${rootfs:?}"/proc/* "${rootfs:?}"/sys/* "${rootfs:?}"/tmp/*

  tar --numeric-owner --xattrs -C "$rootfs" -c . |
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      --change 'LABEL org.opencontainers.image.description="Debian bookworm minbase (debootstrap), built by scripts/compose-test.sh"' \
      --message "debootstrap --variant=minbase bookworm" \
      - "$BASE_IMAGE" >/dev/null
  unmount_below "$rootfs"
  rm -rf --one-file-system "$rootfs"
  log "built $BASE_IMAGE in $((SECONDS - started)) s ($(image_size "$BASE_IMAGE"))"
}

image_size() {
  local bytes
  bytes=$(docker image inspect -f '{{.Size}}' "$1" 2>/dev/null) || { echo "?"; return; }
  awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1000000 }'
}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "base image $BASE_IMAGE is there ($(image_size "$BASE_IMAGE"))"
    return 0
  fi
  if [[ $TRY_PULL == 1 ]]; then
    log "docker pull $BASE_IMAGE"
    if timeout 60 docker pull "$BASE_IMAGE" >&2; then
      return 0
    fi
    log "docker pull failed; building $BASE_IMAGE locally"
  fi
  build_base_image
}

# ---------------------------------------------------------------- 3. the stack

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
