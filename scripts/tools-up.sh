#!/usr/bin/env bash
# Installs the Debian tools the real-engine tests use when they are missing (as root): Compose v1 as the live
# stack and benchmark peer, restic and borg as real backup sources, htpasswd for the protected registry, zstd
# for .tar.zst archives.
set -euo pipefail

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v restic >/dev/null 2>&1 || missing+=(restic)
command -v borg >/dev/null 2>&1 || missing+=(borgbackup)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
[ ${#missing[@]} -eq 0 ] && { echo "tools: all present"; exit 0; }

if [ "$(id -u)" != 0 ]; then
  echo "tools: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
  exit 1
fi
echo "tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; }
