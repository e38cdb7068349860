# The one image every docker-compose.yml service runs (etcd, the control plane, the nodes): Node.js,
# the built dist/ with production node_modules, and the Debian packages the daemons call (etcd-server,
# docker.io for each node's own dockerd, iptables, iproute2, busybox-static for the local images).
# Must never need an image registry beyond BASE_IMAGE: offline, build that base with
# deploy/compose/build-base-image.sh and pass --build-arg BASE_IMAGE=k8ts/base:bookworm.
ARG BASE_IMAGE=node:20-bookworm-slim

# --- build: npm ci, tsc, then drop the dev dependencies ---
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p deploy/compose/tsconfig.image.json && npm prune --omit=dev --no-audit --no-fund

# --- runtime ---
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates etcd-server docker.io iptables iproute2 busybox-static procps kmod \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY deploy/compose/node-entrypoint.sh /usr/local/bin/k8ts-node-entrypoint
ENV NODE_ENV=production
CMD ["node", "dist/kubectl/main.js", "version", "--client"]
