#!/bin/bash
# Mosquitto's container entrypoint: write the password file from the environment, write
# the effective configuration, then exec the broker (or the given command).
#   MQTT_BRIDGE_PASSWORD  password of the user 'bridge' (mqtt-ws-bridge)      required
#   MQTT_APP_PASSWORD     password of the user 'app' (backends and tools)     required
#   MOSQUITTO_LISTEN_ADDRESS  bind the listener to this address (default: all)
# Runs as the unprivileged user 'mosquitto'; nothing secret is stored in the image.
set -euo pipefail

readonly run_dir=/run/mosquitto
readonly conf_in=/etc/mosquitto/mosquitto.conf

fail() { echo "mosquitto-entrypoint: error: $*" >&2; exit 1; }

[[ -n ${MQTT_BRIDGE_PASSWORD:-} ]] || fail "MQTT_BRIDGE_PASSWORD is not set"
[[ -n ${MQTT_APP_PASSWORD:-} ]] || fail "MQTT_APP_PASSWORD is not set"

umask 077
rm -f "$run_dir/passwd.new"
mosquitto_passwd -c -b "$run_dir/passwd.new" bridge "$MQTT_BRIDGE_PASSWORD" >/dev/null
mosquitto_passwd -b "$run_dir/passwd.new" app "$MQTT_APP_PASSWORD" >/dev/null
mv -f "$run_dir/passwd.new" "$run_dir/passwd"
# The broker does not need the passwords in its environment.
unset MQTT_BRIDGE_PASSWORD MQTT_APP_PASSWORD

address=${MOSQUITTO_LISTEN_ADDRESS:-}
if [[ -n $address ]]; then
  [[ $address =~ ^[0-9A-Za-z.:-]+$ ]] || fail "MOSQUITTO_LISTEN_ADDRESS is not an address: $address"
  sed -E "s/^listener[[:space:]]+([0-9]+)[[:space:]]*$/listener \\1 $address/" \
    "$conf_in" > "$run_dir/mosquitto.conf"
else
  cp "$conf_in" "$run_dir/mosquitto.conf"
fi

exec "$@"
