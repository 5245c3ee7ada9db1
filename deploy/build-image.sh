#!/usr/bin/env bash
# Builds the Ebb & Flow image with podman: no Docker daemon, no registry.
#
# The base image that deploy/Dockerfile's FROM names cannot be pulled here, so unless
# podman already has an image of that name, mmdebstrap makes a stand-in from Debian's
# packages (bookworm's python3.11) and `podman import` stores it under that name; later
# builds reuse it. pip in the build trusts the host's CA bundle, mounted for the build only.
#
#   deploy/build-image.sh [--rebuild-base]      EBBFLOW_IMAGE (default localhost/ebbflow:latest)
#
# Needs (Debian): podman buildah mmdebstrap runc (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${EBBFLOW_IMAGE:-localhost/ebbflow:latest}"
MIRROR="${EBBFLOW_DEBIAN_MIRROR:-http://deb.debian.org}"
CA_BUNDLE="${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/containers.conf}"

base="$(awk '$1 == "FROM" { print $2; exit }' deploy/Dockerfile)"
case "$base" in */*) ;; *) base="docker.io/library/$base" ;; esac

# One build at a time (parallel test workers call this too); the others then hit the cache.
exec 9>"${TMPDIR:-/tmp}/ebbflow-build-image.lock"
flock 9

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = "--rebuild-base" ] || ! podman image exists "$base"; then
  echo "making the base image $base with mmdebstrap (Debian bookworm, python3.11)" >&2
  started=$SECONDS
  mmdebstrap --quiet --variant=minbase \
    --include=python3.11,python3.11-venv,python3-venv,python-is-python3,ca-certificates,passwd,tzdata,netbase \
    bookworm "$work/rootfs.tar" \
    "deb $MIRROR/debian bookworm main" \
    "deb $MIRROR/debian bookworm-updates main" \
    "deb $MIRROR/debian-security bookworm-security main"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'LABEL org.opencontainers.image.description="stand-in made by deploy/build-image.sh with mmdebstrap"' \
    --change 'CMD ["python3"]' \
    "$work/rootfs.tar" "$base" >/dev/null
  rm -f "$work/rootfs.tar"
  echo "base image made in $((SECONDS - started)) s" >&2
fi

mounts=()
if [ -f "$CA_BUNDLE" ]; then
  printf '[global]\ncert = /etc/ssl/certs/host-ca-bundle.crt\n' >"$work/pip.conf"
  mounts=(-v "$work/pip.conf:/etc/pip.conf:ro" -v "$CA_BUNDLE:/etc/ssl/certs/host-ca-bundle.crt:ro")
fi

# --format docker keeps the HEALTHCHECK (the OCI format has none).
started=$SECONDS
podman build --format docker --network host --pull=never "${mounts[@]}" \
  -f deploy/Dockerfile -t "$IMAGE" . >&2
echo "image built in $((SECONDS - started)) s" >&2
echo "$IMAGE"
