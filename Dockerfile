# syntax=docker/dockerfile:1
# The kindlab server in a container that drives the HOST's Docker (socket mounted by
# docker-compose.yml) to run the kind lab. Mounting the socket gives this container root on the
# host: read docs/live-lab.md before using it. Base images are pinned by version tag.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and node-pty compile from source (no prebuilt binaries are fetched).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install without the `prepare` build (the sources are not copied yet), then build the native modules.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 node-pty
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim
# The Docker client only (the daemon is the host's, through the mounted socket).
COPY --from=docker:28.2.2-cli /usr/local/bin/docker /usr/local/bin/docker
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates bash less \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/labs ./labs
COPY --from=build /app/clusters ./clusters
# kind, kubectl and istioctl at the versions pinned in clusters/versions.json, each checked
# against its pinned SHA-256 (the build fails on a mismatch or a platform without a pinned sum).
RUN node bin/kindlab.js tools install --bin-dir /usr/local/bin
ENV KINDLAB_DATA_DIR=/data \
    KINDLAB_HOST=0.0.0.0 \
    KINDLAB_KIND_INTERNAL=true
VOLUME /data
EXPOSE 4280
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4280/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/kindlab.js"]
CMD ["up", "--port", "4280"]
