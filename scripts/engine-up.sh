#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock: installs Debian's docker.io when it is
# missing (as root), reuses an engine that already answers, recovers from a stale pid file.
set -euo pipefail

SOCK=${REHEARSA_DOCKER_SOCK:-/var/run/docker.sock}
LOG=${REHEARSA_DOCKERD_LOG:-/var/log/rehearsa-dockerd.log}

ping_engine() {
  curl -sf --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
}

if ping_engine; then
  echo "engine: already answering on $SOCK"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "engine: no Docker engine answers on $SOCK and starting one needs root (run: sudo $0)" >&2
  exit 3
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$@" >/dev/null; }
}

if ! command -v dockerd >/dev/null 2>&1; then
  echo "engine: installing docker.io"
  apt_install docker.io
fi
command -v curl >/dev/null 2>&1 || apt_install curl

# A pid file whose process is gone (or is not dockerd) would make dockerd refuse to start.
for pidfile in /var/run/docker.pid /run/docker.pid; do
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -z "$pid" ] || ! grep -qs dockerd "/proc/$pid/comm"; then
      echo "engine: removing stale $pidfile"
      rm -f "$pidfile"
    fi
  fi
done

start_dockerd() {
  echo "engine: starting dockerd (log: $LOG)"
  nohup dockerd --host "unix://$SOCK" >>"$LOG" 2>&1 &
}

# Wait for an answer; start dockerd whenever none runs (also when one that was shutting down has now exited).
for _ in $(seq 1 240); do
  if ping_engine; then
    echo "engine: ready"
    exit 0
  fi
  pgrep -x dockerd >/dev/null 2>&1 || start_dockerd
  sleep 0.5
done
echo "engine: dockerd did not answer within 120 s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 || true
exit 3
