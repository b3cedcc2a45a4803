#!/usr/bin/env bash
# npm run compose:up — the highly available Kubeling of docker-compose.yml on this machine:
#  1. starts dockerd when it is installed but not running (as root, in the background);
#  2. picks the base image: $KUBELING_BASE_IMAGE, else node:20-bookworm-slim when it is
#     here or can be pulled, else makes a local one (compose/base-image.sh: debootstrap +
#     this machine's Node.js, no registry needed);
#  3. builds kubeling:local, `docker-compose up -d` with two replicas of the apiserver and
#     of every leader-elected component;
#  4. waits until the load balancer answers /readyz and every simulated node is Ready;
#  5. writes the host's kubeconfig ($KUBELING_KUBECONFIG, default ./compose.kubeconfig).
#
# Environment: COMPOSE_PROJECT_NAME (default kubeling), KUBELING_COMPOSE_PORT (the LB's
# port on 127.0.0.1, default 6443), KUBELING_NODES (default 3), KUBELING_APISERVERS
# (default 2), KUBELING_REPLICAS (of the leader-elected components, default 2),
# KUBELING_SKIP_BUILD=1 (reuse kubeling:local), KUBELING_UP_TIMEOUT (seconds, default 300),
# KUBELING_IMAGE_FROM=host (build kubeling:local from this checkout's dist/ and node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-kubeling}
export KUBELING_COMPOSE_PORT=${KUBELING_COMPOSE_PORT:-6443}
export KUBELING_NODES=${KUBELING_NODES:-3}
APISERVERS=${KUBELING_APISERVERS:-2}
REPLICAS=${KUBELING_REPLICAS:-2}
OUT=${KUBELING_KUBECONFIG:-./compose.kubeconfig}
TIMEOUT=${KUBELING_UP_TIMEOUT:-300}
PUBLIC_BASE=node:20-bookworm-slim
LOCAL_BASE=kubeling-base:bookworm-node

say() { echo "compose:up: $*"; }

# 1. dockerd
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "compose:up: no Docker engine: install docker.io and docker-compose (apt-get install docker.io docker-compose)" >&2
    exit 1
  fi
  say "starting dockerd (log: /var/log/kubeling-dockerd.log)"
  nohup dockerd >/var/log/kubeling-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "compose:up: dockerd did not start; see /var/log/kubeling-dockerd.log" >&2; exit 1; }
fi

# 2. base image
if [ -z "${KUBELING_BASE_IMAGE:-}" ]; then
  if docker image inspect "$PUBLIC_BASE" >/dev/null 2>&1 || timeout 60 docker pull -q "$PUBLIC_BASE" >/dev/null 2>&1; then
    KUBELING_BASE_IMAGE=$PUBLIC_BASE
  else
    say "no image registry reachable: making the local base image $LOCAL_BASE"
    compose/base-image.sh "$LOCAL_BASE"
    KUBELING_BASE_IMAGE=$LOCAL_BASE
  fi
fi
export KUBELING_BASE_IMAGE
say "base image $KUBELING_BASE_IMAGE"

# 3. build and start
# KUBELING_IMAGE_FROM=host: from this checkout's built tree instead of npm ci + tsc in the
# image (compose/build-image.sh; needs `npm run build` first and a base image with this
# machine's Node.js, such as the local one).
if [ "${KUBELING_SKIP_BUILD:-0}" != "1" ] || ! docker image inspect kubeling:local >/dev/null 2>&1; then
  bash compose/build-image.sh --from "${KUBELING_IMAGE_FROM:-source}"
fi
docker-compose up -d --no-build \
  --scale apiserver="$APISERVERS" --scale controller-manager="$REPLICAS" --scale scheduler="$REPLICAS" \
  --scale hpa="$REPLICAS" --scale cluster-autoscaler="$REPLICAS"

# 4. the host's kubeconfig, from the init container (it keeps the volume mounted)
deadline=$((SECONDS + TIMEOUT))
init=$(docker-compose ps -q init)
until docker cp "$init:/etc/kubeling/admin.kubeconfig" "$OUT" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "compose:up: init wrote no kubeconfig" >&2; docker-compose logs init >&2; exit 1; }
  sleep 1
done
chmod 600 "$OUT"

# 5. ready: the LB answers /readyz and KUBELING_NODES nodes are Ready
until kubectl --kubeconfig "$OUT" get --raw=/readyz >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || { echo "compose:up: the load balancer did not become ready in ${TIMEOUT}s" >&2; docker-compose ps >&2; exit 1; }
  sleep 2
done
say "the apiservers answer through the load balancer"
until [ "$(kubectl --kubeconfig "$OUT" get nodes --no-headers 2>/dev/null | awk '$2 == "Ready"' | wc -l)" -ge "$KUBELING_NODES" ]; do
  [ $SECONDS -lt $deadline ] || { echo "compose:up: $KUBELING_NODES nodes were not Ready in ${TIMEOUT}s" >&2; kubectl --kubeconfig "$OUT" get nodes >&2 || true; exit 1; }
  sleep 2
done
say "$KUBELING_NODES nodes Ready; KUBECONFIG=$OUT kubectl get nodes"
