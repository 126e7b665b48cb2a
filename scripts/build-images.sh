#!/usr/bin/env bash
# Builds the fixture images Rehearsa's example and tests use, with no registry: a busybox-static rootfs
# (seconds) and a Debian bookworm minbase (debootstrap) with postgres, mariadb, redis and nginx from
# Debian.
# Cached by tag: an image that exists is never rebuilt. `--only busybox` builds just the fast one.
set -euo pipefail
cd "$(dirname "$0")/.."

ONLY=${1:-}
[ "$ONLY" = "--only" ] && ONLY=${2:-}

BUSYBOX=rehearsa-fixture/busybox:1
BOOKWORM=rehearsa-fixture/bookworm:1
MIRROR=${REHEARSA_DEBIAN_MIRROR:-http://deb.debian.org/debian}

have() { docker image inspect "$1" >/dev/null 2>&1; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$@" >/dev/null; }
}

build_busybox() {
  have "$BUSYBOX" && { echo "images: $BUSYBOX cached"; return; }
  local start=$SECONDS
  [ -x /bin/busybox ] || apt_install busybox-static
  local root
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,etc,tmp,data,var/run,root,home/app}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  chown 1000:1000 "$root/home/app"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$BUSYBOX" >/dev/null
  rm -rf "$root"
  echo "images: built $BUSYBOX in $((SECONDS - start)) s"
}

build_bookworm() {
  have "$BOOKWORM" && { echo "images: $BOOKWORM cached"; return; }
  local start=$SECONDS
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  local root
  root=$(mktemp -d)
  echo "images: debootstrap bookworm minbase (about 30 s)"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >/tmp/rehearsa-debootstrap.log 2>&1 || {
    tail -n 20 /tmp/rehearsa-debootstrap.log >&2
    exit 1
  }
  rm -rf "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$BOOKWORM" >/dev/null
  rm -rf "$root"
  echo "images: built $BOOKWORM in $((SECONDS - start)) s"
}

build_from_recipe() {
  local tag=$1 dir=$2
  have "$tag" && { echo "images: $tag cached"; return; }
  local start=$SECONDS
  echo "images: building $tag from $dir"
  # The legacy builder's deprecation notice is noise; the build's own output is shown when it fails.
  DOCKER_BUILDKIT=0 docker build --network host -t "$tag" "$dir" >/tmp/rehearsa-image-build.log 2>&1 || {
    tail -n 30 /tmp/rehearsa-image-build.log >&2
    exit 1
  }
  echo "images: built $tag in $((SECONDS - start)) s"
}

build_busybox
[ "$ONLY" = busybox ] && exit 0
build_bookworm
build_from_recipe rehearsa-fixture/postgres:15 fixtures/images/postgres
build_from_recipe rehearsa-fixture/mariadb:10 fixtures/images/mariadb
build_from_recipe rehearsa-fixture/redis:7 fixtures/images/redis
build_from_recipe rehearsa-fixture/nginx:1 fixtures/images/nginx
