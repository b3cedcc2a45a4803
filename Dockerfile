# One image for every Kubeling component and for etcd (Debian's etcd-server), so the
# docker-compose topology needs nothing else. Build: docker build -t kubeling .
FROM node:20-bookworm-slim AS build
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

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends etcd-server etcd-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
ENV NODE_ENV=production
ENTRYPOINT ["node", "/app/bin/kubeling.js"]
CMD ["--help"]
