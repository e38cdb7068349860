#!/bin/sh
# Builds the offline base image k8ts/base:bookworm, a stand-in for node:20-bookworm-slim on machines
# that reach no image registry: a Debian bookworm minbase root filesystem made by debootstrap from the
# host's own Debian mirror, plus this host's Node.js (node, npm, npx under /usr/local as in the official
# image), imported with `docker import`. Must never pull or push an image, nor replace an existing one
# unless --force is given.
#
# Usage: sudo deploy/compose/build-base-image.sh [--force] [IMAGE]   (IMAGE defaults to k8ts/base:bookworm)
# Then:  docker-compose build --build-arg BASE_IMAGE=k8ts/base:bookworm   (or BASE_IMAGE in .env)
set -eu

FORCE=0
if [ "${1:-}" = "--force" ]; then FORCE=1; shift; fi
IMAGE="${1:-k8ts/base:bookworm}"
SUITE="${SUITE:-bookworm}"

say() { printf 'build-base-image: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap needs it)"
command -v docker >/dev/null || die "docker is missing (apt-get install docker.io)"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"

if [ "$FORCE" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE already exists (use --force to rebuild)"
  exit 0
fi

NODE_BIN="${NODE_BIN:-$(command -v node || true)}"
[ -n "$NODE_BIN" ] || die "node is missing: install Node.js 20 on this host first"
NODE_BIN="$(readlink -f "$NODE_BIN")"
NODE_MAJOR="$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" -ge 20 ] || die "$NODE_BIN is Node.js $NODE_MAJOR; the images need 20 or later"
NPM_DIR="${NPM_DIR:-$(dirname "$NODE_BIN")/../lib/node_modules/npm}"
[ -f "$NPM_DIR/bin/npm-cli.js" ] || die "npm not found at $NPM_DIR (set NPM_DIR)"

# The mirror the host's apt already uses (deb822 sources first, then sources.list); debootstrap's
# own default when neither names one.
MIRROR="${DEBIAN_MIRROR:-}"
if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  MIRROR="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
fi
if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list ]; then
  MIRROR="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list)"
fi

WORK="$(mktemp -d /tmp/k8ts-base-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT INT TERM
ROOTFS="$WORK/rootfs"

say "debootstrap --variant=minbase $SUITE ${MIRROR:-(the default mirror of debootstrap)}"
# shellcheck disable=SC2086
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOTFS" $MIRROR >"$WORK/debootstrap.log" 2>&1 || {
  tail -n 20 "$WORK/debootstrap.log" >&2
  die "debootstrap failed"
}

say "adding Node.js $("$NODE_BIN" --version) from $NODE_BIN"
install -D -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
chroot "$ROOTFS" /usr/local/bin/node --version >/dev/null || die "the copied node does not run inside the bookworm root filesystem"

# The host's own local CAs (an egress proxy's, say): without them npm ci inside the build cannot
# reach the registry the host reaches. Node.js reads them through NODE_EXTRA_CA_CERTS.
EXTRA_CA_ENV=""
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  say "trusting the host's local CAs: $(cd /usr/local/share/ca-certificates && ls -- *.crt | tr '\n' ' ')"
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
  chroot "$ROOTFS" update-ca-certificates >/dev/null
  EXTRA_CA_ENV="NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"
fi

# As the official slim images: no package lists or downloaded .debs left behind.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/tmp/* "$ROOTFS"/var/log/*.log
# debootstrap copies the host's resolv.conf and hostname; docker supplies its own at run time.
: >"$ROOTFS/etc/resolv.conf"
: >"$ROOTFS/etc/hostname"

say "docker import -> $IMAGE"
tar --numeric-owner -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$("$NODE_BIN" -p process.versions.node)" \
  ${EXTRA_CA_ENV:+--change "ENV $EXTRA_CA_ENV"} \
  --change 'CMD ["node"]' \
  --message "k8ts offline base: debootstrap $SUITE minbase + Node.js" \
  - "$IMAGE" >/dev/null
say "done: $(docker image inspect --format '{{.Id}} {{.Size}} bytes' "$IMAGE")"
