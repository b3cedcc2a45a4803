#!/usr/bin/env bash
# npm run compose:down — stops the docker-compose cluster and removes its volumes (etcd's
# data, the credentials, the cloud's state) and ./compose.kubeconfig. To stop it and keep
# the data instead: docker-compose down (then npm run compose:up or docker-compose up -d).
set -euo pipefail
cd "$(dirname "$0")/.."
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-kubeling}
docker-compose down -v --remove-orphans
rm -f "${KUBELING_KUBECONFIG:-./compose.kubeconfig}"
