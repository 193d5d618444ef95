# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript and the better-sqlite3 native addon with the
# full toolchain, then ship only dist/, production node_modules and the schemas
# on a slim image running as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source (npm_config_build_from_source below): only
# the npm registry is reachable, never a prebuilt binary's download host.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm_config_build_from_source=true npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY core ./core
COPY git ./git
COPY cli ./cli
COPY server ./server
COPY bench ./bench
COPY console ./console
COPY scripts/build-console.mjs ./scripts/build-console.mjs
RUN npx tsc -p tsconfig.build.json \
 && node scripts/build-console.mjs \
 && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV FF_HOST=0.0.0.0 \
    FF_PORT=8000 \
    FF_DB_PATH=/data/ff.db \
    FF_SEED_DIR=/app/flags
WORKDIR /app
# git: watch mode (FF_WATCH_DIR) reads the commit of the watched checkout.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/schemas ./schemas
COPY --chown=node:node flags ./flags
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
# Node's own fetch: the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.FF_PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node runs as PID 1 and receives SIGTERM itself; the server
# handles it (finish in-flight requests, close the database, exit 0).
CMD ["node", "dist/server/main.js", "serve"]
