#!/usr/bin/env bash
# Builds kubeling:local, the one image of every service in docker-compose.yml, in one of
# two ways:
#
#   source (default)  the Dockerfile: npm ci and tsc inside the image (needs the npm
#                     registry; 5-14 min on a shared 2-core machine)
#   host              compose/Dockerfile.prebuilt: copies this checkout's built tree
#                     (dist/, bin/, package.json, node_modules without the dev
#                     dependencies) onto the base image; no npm, no tsc in the image.
#                     Needs `npm ci` (or `npm run build`) done here first, and a base
#                     image whose Node.js has this machine's module ABI and architecture
#                     and a glibc at least as new as this machine's (checked; the local
#                     base image of compose/base-image.sh always fits).
#
#   compose/build-image.sh [--from host|source] [--no-cache]   (or KUBELING_IMAGE_FROM=host|source)
#
# Environment: KUBELING_BASE_IMAGE (default node:20-bookworm-slim), KUBELING_IMAGE (the
# tag, default kubeling:local). Exit status 3: the base image does not fit the host tree.
set -euo pipefail
cd "$(dirname "$0")/.."

FROM=${KUBELING_IMAGE_FROM:-source}
NO_CACHE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM=${2:-}; shift 2 || { echo "--from needs host or source" >&2; exit 2; } ;;
    --from=*) FROM=${1#--from=}; shift ;;
    --no-cache) NO_CACHE=(--no-cache); shift ;;
    *) echo "usage: compose/build-image.sh [--from host|source] [--no-cache]" >&2; exit 2 ;;
  esac
done
BASE=${KUBELING_BASE_IMAGE:-node:20-bookworm-slim}
TAG=${KUBELING_IMAGE:-kubeling:local}
say() { echo "build-image: $*"; }
start=$SECONDS

case "$FROM" in
  source)
    say "building $TAG from the sources (Dockerfile) on $BASE"
    docker build "${NO_CACHE[@]}" --build-arg BASE_IMAGE="$BASE" -t "$TAG" .
    say "$TAG built from the sources in $((SECONDS - start)) s"
    exit 0 ;;
  host) ;;
  *) echo "build-image: KUBELING_IMAGE_FROM must be host or source, not '$FROM'" >&2; exit 2 ;;
esac

for need in dist/cli/main.js bin/kubeling.js package.json node_modules/better-sqlite3/package.json; do
  [ -e "$need" ] || { echo "build-image: $need is missing: run npm ci (or npm run build) before building from the host's tree" >&2; exit 1; }
done

# The native modules were built for this machine's Node.js and C library.
ABI_JS='process.versions.modules + " " + process.arch + " " + (process.report.getReport().header.glibcVersionRuntime || "none")'
read -r host_abi host_arch host_glibc <<<"$(node -p "$ABI_JS")"
base_out=$(docker run --rm --entrypoint node "$BASE" -p "$ABI_JS" 2>&1) || {
  echo "build-image: cannot run node in $BASE: $base_out" >&2; exit 3; }
read -r base_abi base_arch base_glibc <<<"$base_out"
if [ "$host_abi $host_arch" != "$base_abi $base_arch" ] || [ "$base_glibc" = none ] || [ "$host_glibc" = none ] \
  || [ "$(printf '%s\n%s\n' "$host_glibc" "$base_glibc" | sort -V | head -n 1)" != "$host_glibc" ]; then
  echo "build-image: $BASE (Node ABI $base_abi, $base_arch, glibc $base_glibc) cannot run this machine's native modules (ABI $host_abi, $host_arch, glibc $host_glibc): use --from source, or the local base image (compose/base-image.sh)" >&2
  exit 3
fi

# The build context: exactly what the image ships, hard-linked where the file system allows.
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/kubeling-image.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/app/compose"
link() { cp -al "$@" 2>/dev/null || cp -a "$@"; }
link dist bin package.json package-lock.json node_modules "$STAGE/app/"
cp compose/haproxy.cfg compose/node-groups.yaml "$STAGE/app/compose/"
cp compose/Dockerfile.prebuilt "$STAGE/Dockerfile"
# Without the dev dependencies: npm's own record of what is installed (or the lock file)
# marks them "dev"; removing a hard link leaves this checkout's node_modules untouched.
(cd "$STAGE/app" && node -e '
  const fs = require("fs");
  const lock = fs.existsSync("node_modules/.package-lock.json") ? "node_modules/.package-lock.json" : "package-lock.json";
  let n = 0;
  for (const [path, meta] of Object.entries(JSON.parse(fs.readFileSync(lock, "utf8")).packages ?? {})) {
    if (path && meta.dev && fs.existsSync(path)) { fs.rmSync(path, { recursive: true, force: true }); n++; }
  }
  fs.rmSync("node_modules/.cache", { recursive: true, force: true });
  console.log(`build-image: ${n} dev packages left out (${lock})`);
')
find "$STAGE/app/node_modules/.bin" -xtype l -delete 2>/dev/null || true
say "context $(du -sh "$STAGE" | cut -f1) staged in $((SECONDS - start)) s; building $TAG on $BASE"
docker build "${NO_CACHE[@]}" --build-arg BASE_IMAGE="$BASE" -t "$TAG" "$STAGE"
say "$TAG built from this machine's tree in $((SECONDS - start)) s"
