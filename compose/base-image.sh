#!/usr/bin/env bash
# Makes the base image the Dockerfile builds FROM when no image registry is reachable:
# a minimal Debian bookworm root filesystem (debootstrap --variant=minbase, from the
# mirror apt on this machine is configured with) plus this machine's Node.js (node, npm,
# the C headers node-gyp needs, npm_config_nodedir pointing at them) and CA bundle
# (NODE_EXTRA_CA_CERTS, so TLS to the npm registry works inside the container), imported
# with `docker import` as a local tag.
#
#   scripts/compose/base-image.sh [TAG]      (default kubeling-base:bookworm-node)
#   scripts/compose/base-image.sh --mirror   prints the Debian mirror apt uses, and exits
#
# Then: docker build --build-arg BASE_IMAGE=TAG .   (npm run compose:up does all of this)
# Nothing is done when TAG already exists with this machine's Node.js version (its label
# io.kubeling.node), unless KUBELING_BASE_IMAGE_FORCE=1. debootstrap's downloads are kept
# in KUBELING_DEBOOTSTRAP_CACHE (default /var/cache/kubeling-debootstrap) for the next run.
# Needs root (debootstrap), debootstrap and docker.
set -euo pipefail

APT_SOURCES_LIST=${APT_SOURCES_LIST:-/etc/apt/sources.list}
APT_SOURCES_PARTS=${APT_SOURCES_PARTS:-/etc/apt/sources.list.d}
SUITE=${KUBELING_BASE_SUITE:-bookworm}

# The first Debian archive URI apt uses for $SUITE itself (not -security/-updates), from
# one-line sources.list entries or deb822 .sources stanzas. Empty when there is none.
apt_mirror() {
  local f files=()
  [ -f "$APT_SOURCES_LIST" ] && files+=("$APT_SOURCES_LIST")
  for f in "$APT_SOURCES_PARTS"/*.list "$APT_SOURCES_PARTS"/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -eq 0 ] && return 0
  awk -v suite="$SUITE" '
    function flush() {
      if (types ~ /(^| )deb( |$)/ && uris != "" && (" " suites " ") ~ (" " suite " ")) { split(uris, u, " "); print u[1]; found = 1; exit }
      types = ""; uris = ""; suites = ""
    }
    FNR == 1 { flush() }
    /^[ \t]*#/ { next }
    # one-line format: deb [options] URI SUITE COMPONENTS...
    /^[ \t]*deb[ \t]/ {
      n = split($0, w, /[ \t]+/); i = (w[1] == "" ? 3 : 2)
      if (w[i] ~ /^\[/) { while (i <= n && w[i] !~ /\]$/) i++; i++ }
      if (w[i + 1] == suite) { print w[i]; found = 1; exit }
      next
    }
    # deb822: Key: value lines, stanzas separated by blank lines
    /^[ \t]*$/ { flush(); next }
    tolower($1) == "types:"  { $1 = ""; types = $0 }
    tolower($1) == "uris:"   { $1 = ""; sub(/^ +/, ""); uris = $0 }
    tolower($1) == "suites:" { $1 = ""; suites = $0 }
    tolower($1) == "enabled:" && tolower($2) == "no" { types = "" }
    END { if (!found) flush() }
  ' "${files[@]}"
}

if [ "${1:-}" = "--mirror" ]; then
  apt_mirror
  exit 0
fi

TAG=${1:-${KUBELING_BASE_IMAGE:-kubeling-base:bookworm-node}}
NODE=$(command -v node)
NODE_VERSION=$("$NODE" --version)
# The image is kept while it carries this machine's Node.js (its label says which): the
# host-built tree (compose/build-image.sh --from host) needs that Node's native ABI.
if [ "${KUBELING_BASE_IMAGE_FORCE:-0}" != "1" ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  have=$(docker image inspect --format '{{ index .Config.Labels "io.kubeling.node" }}' "$TAG" 2>/dev/null || true)
  [ "$have" = "<no value>" ] && have=
  if [ "$have" = "$NODE_VERSION" ]; then
    echo "base image $TAG exists with Node.js $NODE_VERSION (KUBELING_BASE_IMAGE_FORCE=1 to remake it)"
    exit 0
  fi
  echo "base image $TAG has Node.js ${have:-of unknown version}, this machine $NODE_VERSION: remaking it"
fi

MIRROR=$(apt_mirror)
if [ -z "$MIRROR" ]; then
  echo "no Debian mirror for $SUITE in $APT_SOURCES_LIST or $APT_SOURCES_PARTS" >&2
  exit 1
fi
NPM_DIR=${KUBELING_NPM_DIR:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")}
NODE_HEADERS=${KUBELING_NODE_HEADERS:-/usr/include/node}
CA_BUNDLE=${KUBELING_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
for need in "$NODE" "$NPM_DIR/bin/npm-cli.js" "$NODE_HEADERS/node.h" "$CA_BUNDLE"; do
  [ -e "$need" ] || { echo "missing $need (Node.js with npm and headers, and a CA bundle, are needed)" >&2; exit 1; }
done

ROOTFS=$(mktemp -d "${TMPDIR:-/tmp}/kubeling-rootfs.XXXXXX")
trap 'rm -rf "$ROOTFS"' EXIT
# The downloaded .debs are kept for the next run (KUBELING_DEBOOTSTRAP_CACHE): then only
# the unpacking and configuring take time, not the download.
CACHE_DIR=${KUBELING_DEBOOTSTRAP_CACHE:-/var/cache/kubeling-debootstrap}
mkdir -p "$CACHE_DIR"
echo "debootstrap --variant=minbase $SUITE from $MIRROR (packages cached in $CACHE_DIR)"
debootstrap --variant=minbase --cache-dir="$CACHE_DIR" "$SUITE" "$ROOTFS" "$MIRROR"
echo "debootstrap done in $SECONDS s"

# No documentation, manual pages or translations, now or from later apt-get installs
# (the copyright files stay), as Debian's slim container images do.
mkdir -p "$ROOTFS/etc/dpkg/dpkg.cfg.d"
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/kubeling-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
find "$ROOTFS/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/*

echo "adding $NODE_VERSION from $NODE, npm from $NPM_DIR, headers, CA bundle"
install -D -m 0755 "$NODE" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/include"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
cp -a "$NODE_HEADERS" "$ROOTFS/usr/local/include/node"
install -D -m 0644 "$CA_BUNDLE" "$ROOTFS/usr/local/share/kubeling/ca-certificates.crt"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*

echo "docker import as $TAG"
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/kubeling/ca-certificates.crt' \
  --change 'ENV npm_config_nodedir=/usr/local' \
  --change 'CMD ["node"]' \
  --change "LABEL io.kubeling.node=$NODE_VERSION" \
  - "$TAG"
echo "base image $TAG made in $SECONDS s"
