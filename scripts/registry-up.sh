#!/usr/bin/env bash
# Serves two loopback registries for the pull tests (Debian's docker-registry, no systemd): an open one on
# 127.0.0.1:5000 and one behind basic auth (rehearsa / rehearsa-test) on 127.0.0.1:5001. Reuses instances that
# already answer, then seeds both with the busybox fixture. The engine treats 127.0.0.0/8 as insecure, so plain
# HTTP works; the push login uses a throwaway DOCKER_CONFIG so the default docker config keeps no credentials.
set -euo pipefail

ROOT=${REHEARSA_REGISTRY_ROOT:-/var/lib/rehearsa-registry}
USER_NAME=rehearsa
USER_PASSWORD=rehearsa-test
FIXTURE=rehearsa-fixture/busybox:1

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$@" >/dev/null; }
}

command -v docker-registry >/dev/null 2>&1 || { echo "registry: installing docker-registry"; apt_install docker-registry; }
command -v htpasswd >/dev/null 2>&1 || { echo "registry: installing apache2-utils"; apt_install apache2-utils; }
command -v curl >/dev/null 2>&1 || apt_install curl

# HTTP status of GET /v2/ (000 when nothing listens).
v2_status() {
  curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$1/v2/" || true
}

# start_registry NAME PORT EXPECTED_STATUS [auth]: writes the config and starts the instance unless one answers.
start_registry() {
  local name=$1 port=$2 expected=$3 auth=${4:-}
  local dir="$ROOT/$name"
  if [ "$(v2_status "$port")" = "$expected" ]; then
    echo "registry: $name already answering on 127.0.0.1:$port"
    return
  fi
  mkdir -p "$dir/data"
  {
    echo "version: 0.1"
    echo "log: { level: warn }"
    echo "storage:"
    echo "  filesystem: { rootdirectory: $dir/data }"
    echo "  delete: { enabled: true }"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    if [ -n "$auth" ]; then
      htpasswd -Bbn "$USER_NAME" "$USER_PASSWORD" >"$dir/htpasswd"
      echo "auth:"
      echo "  htpasswd: { realm: rehearsa-test, path: $dir/htpasswd }"
    fi
  } >"$dir/config.yml"
  echo "registry: starting $name on 127.0.0.1:$port (log: $dir/registry.log)"
  nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  for _ in $(seq 1 60); do
    if [ "$(v2_status "$port")" = "$expected" ]; then
      echo "registry: $name ready"
      return
    fi
    sleep 0.25
  done
  echo "registry: $name did not answer on 127.0.0.1:$port within 15 s; last lines of $dir/registry.log:" >&2
  tail -n 20 "$dir/registry.log" >&2 || true
  exit 3
}

# seed PORT REPO [login]: pushes the fixture as 127.0.0.1:PORT/REPO:1 unless the manifest is there; with `login`,
# logs in for the push through a throwaway DOCKER_CONFIG that is deleted right after.
seed() {
  local port=$1 repo=$2 login=${3:-}
  local target="127.0.0.1:$port/$repo:1"
  local status
  status=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' ${login:+-u "$USER_NAME:$USER_PASSWORD"} \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://127.0.0.1:$port/v2/$repo/manifests/1" || true)
  if [ "$status" = 200 ]; then
    echo "registry: $target already seeded"
    return
  fi
  docker image inspect "$FIXTURE" >/dev/null 2>&1 || {
    echo "registry: $FIXTURE is missing (run scripts/build-images.sh first)" >&2
    exit 3
  }
  docker tag "$FIXTURE" "$target"
  if [ -n "$login" ]; then
    local config
    config=$(mktemp -d)
    if ! echo "$USER_PASSWORD" | DOCKER_CONFIG=$config docker login -u "$USER_NAME" --password-stdin \
      "127.0.0.1:$port" >/dev/null 2>&1 || ! DOCKER_CONFIG=$config docker push "$target" >/dev/null; then
      rm -rf "$config"
      echo "registry: could not push $target" >&2
      exit 3
    fi
    rm -rf "$config"
  else
    docker push "$target" >/dev/null
  fi
  # Untag so that pull tests really go to the registry instead of finding the tag locally.
  docker rmi "$target" >/dev/null
  echo "registry: seeded $target"
}

start_registry open 5000 200
start_registry auth 5001 401 auth

seed 5000 fixture/busybox
seed 5001 private/busybox login
