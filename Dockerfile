# mqtt-ws-bridge as a container image: a build stage with the -dev packages, and a small
# runtime stage with only the shared libraries, the installed files, a non-root user and a
# health check. Both stages start from debian:bookworm-slim (on a machine with no image
# registry, scripts/compose-test.sh builds that image locally with debootstrap).
#
#   docker build -t mqtt-ws-bridge .
#   docker run --rm -p 8080:8080 -e MWB_MQTT_URL=tcp://broker:1883 mqtt-ws-bridge
#
# Every flag can be given as an environment variable MWB_<FLAG> (MWB_SUBSCRIBE, MWB_SEND,
# MWB_ALLOW_PUBLISH, MWB_MQTT_PASSWORD_FILE, ...) or as arguments after the image name.
# Works with the classic builder and with BuildKit (no BuildKit-only syntax).

ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libpaho-mqttpp-dev libpaho-mqtt-dev \
      libwebsocketpp-dev libboost-dev libboost-system-dev \
      rapidjson-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libssl-dev libjwt-dev \
      liburing-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps tests, docs, scripts and build trees out of the context.
COPY . .
RUN cmake -S . -B /build -DMWB_BUILD_TESTS=OFF -DMWB_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX=/usr/local \
 && cmake --build /build -j"$(nproc)" \
 && DESTDIR=/out cmake --install /build --strip

FROM ${BASE_IMAGE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# Runtime libraries only (libssl3, libfmt9, libpaho-mqtt1.3 come as dependencies;
# Boost.System is header-only in 1.74, libstdc++ is in the base image).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpaho-mqttpp3-1 libspdlog1.10 libjwt0 libtomlplusplus3 liburing2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 mwb \
 && useradd --system --uid 10001 --gid mwb --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mwb
# The health check: GET /healthz on the listen port (bash's /dev/tcp; no curl needed).
# 200 when the broker link is up and subscribed, 503 (unhealthy) otherwise.
RUN printf '%s\n' \
      '#!/bin/bash' \
      '# GET /healthz on the port of MWB_LISTEN (default 0.0.0.0:8080); exit 0 only on 200.' \
      'listen=${MWB_LISTEN:-0.0.0.0:8080}' \
      'port=${listen##*:}' \
      'host=${listen%:*}; host=${host#[}; host=${host%]}' \
      'case $host in ""|0.0.0.0|"*") host=127.0.0.1 ;; "::") host=::1 ;; esac' \
      'exec 3<>"/dev/tcp/$host/$port" || exit 1' \
      'printf "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3' \
      'IFS= read -r -t 5 status <&3 || exit 1' \
      '[[ $status =~ ^HTTP/1\.[01]\ 200 ]]' \
      > /usr/local/bin/mwb-healthcheck \
 && chmod 0755 /usr/local/bin/mwb-healthcheck
# The binary and whatever else the project installs (e.g. the web console's files).
COPY --from=build /out/usr/local/ /usr/local/
# Fails the build here, not at run time, if a shared library is missing.
RUN mqtt-ws-bridge --version

ENV MWB_LISTEN=0.0.0.0:8080
USER mwb:mwb
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/mwb-healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["mqtt-ws-bridge"]
