# Sourced by deps.sh and docker-host.sh: missing_packages PKG... prints the packages that
# dpkg does not report as fully installed ("ii"), one per line.
missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ $status == ii* ]] || printf '%s\n' "$pkg"
  done
}
