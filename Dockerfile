# One image for every Kubeling component, for etcd (Debian's etcd-server) and for the
# load balancer (Debian's haproxy), so the docker-compose topology needs nothing else.
# Build: docker build -t kubeling .
# Without access to an image registry, make a local base image first and pass it:
#   compose/base-image.sh && docker build --build-arg BASE_IMAGE=kubeling-base:bookworm-node -t kubeling .
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE} AS build
# Toolchain for better-sqlite3, should its prebuilt binary not fit this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies first (cached until the lock file changes). Scripts are skipped because
# `prepare` builds the sources, which are not copied yet; the two native/postinstall
# packages the project allows are rebuilt explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 protobufjs
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends etcd-server etcd-client haproxy curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY compose/haproxy.cfg compose/node-groups.yaml ./compose/
ENV NODE_ENV=production
ENTRYPOINT ["node", "/app/bin/kubeling.js"]
CMD ["--help"]
