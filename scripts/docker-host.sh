# Sourced by the scripts that test in Docker (compose-test.sh, package-test.sh): the tools,
# a Docker engine (a dockerd started here runs with --bridge=none --iptables=false, so no
# bridge network and nothing on private-range addresses), and the base image
# debian:bookworm-slim, pulled or, with no registry, built with debootstrap from the Debian
# mirror of this machine's apt sources and `docker import`ed.
#
# The caller defines log and die, the constants BASE_IMAGE, ENGINE_START_TIMEOUT and
# TRY_PULL, and the variables tmp_dir (a private temporary folder), dockerd_pid="" and
# made_policy_rc_d=0; its exit trap calls release_docker_host.

unmount_below() {
  local dir=$1 mnt
  [[ -d $dir ]] || return 0
  # Deepest first: debootstrap mounts proc/sys in the target and a failure may leave them.
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
}

engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

# shellcheck source=scripts/missing-packages.sh
. "$(dirname "${BASH_SOURCE[0]}")/missing-packages.sh"

# Installs the packages named as arguments, and docker.io and debootstrap, when missing.
install_docker_tools() {
  # debootstrap builds the base image when it is missing.
  local wanted=("$@")
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

# Stops the dockerd started here (by its PID), and removes what was made for this run.
release_docker_host() {
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
}
