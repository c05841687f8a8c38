#!/usr/bin/env bash
# Build the Debian package mqtt-ws-bridge_<version>_<arch>.deb from this checkout's files
# (tracked and not ignored: what a clean checkout holds, plus any uncommitted edits).
#
#   scripts/package.sh [OUT_DIR]     run as root (installs debhelper, help2man and the
#                                    build dependencies when missing); default OUT_DIR: dist/
#
# debhelper builds it: the CMake build with Debian's hardening flags, dependencies from
# the shared libraries (dh_shlibdeps), the systemd unit's enable/start/stop snippets
# (dh_installsystemd), /etc as conffiles. The version is CMakeLists.txt's project version.
set -euo pipefail

log() { printf 'package.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly out_dir=$(realpath -m "${1:-dist}")

scripts/deps.sh debhelper help2man fakeroot dpkg-dev

version=$(sed -n 's/^project(mqtt-ws-bridge VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ -n $version ]] || die "no project version in CMakeLists.txt"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

work=$(mktemp -d "${TMPDIR:-/tmp}/mwb-package.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
src="$work/mqtt-ws-bridge-$version"
mkdir -p "$src"
# Tracked and not-ignored files: build trees, logs and local settings never reach the package.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -c | tar -C "$src" -x
cp -r packaging/debian "$src/debian"
# The changelog carries the version, so it is written here from the one in CMakeLists.txt.
{
  printf 'mqtt-ws-bridge (%s) unstable; urgency=medium\n\n' "$version"
  printf '  * Release %s.\n\n' "$version"
  printf ' -- %s  %s\n' "$(sed -n 's/^Maintainer: //p' packaging/debian/control)" \
    "$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
} >"$src/debian/changelog"

log "building mqtt-ws-bridge $version for $arch"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
  dpkg-buildpackage -b -us -uc >"$work/build.log" 2>&1) || {
  tail -n 60 "$work/build.log" >&2
  die "dpkg-buildpackage failed"
}

deb="mqtt-ws-bridge_${version}_${arch}.deb"
[[ -f $work/$deb ]] || die "dpkg-buildpackage made no $deb"
mkdir -p "$out_dir"
cp "$work/$deb" "$out_dir/"
log "built $out_dir/$deb"
dpkg-deb -f "$out_dir/$deb" Package Version Architecture Depends >&2
