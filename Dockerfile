# syntax=docker/dockerfile:1
#
# One image runs every Aira process, compiled to JavaScript by `npm run build`; the command picks
# which one (every process starts with the tracing preload, as shared/process/entries.ts says):
#   docker run aira                                                                              # gateway (the default)
#   docker run aira node --import ./dist/shared/telemetry/instrument.js dist/workers/chat/main.js     # chat worker
#   docker run aira node --import ./dist/shared/telemetry/instrument.js dist/workers/writer/main.js   # writer worker
#   docker run aira node --import ./dist/shared/telemetry/instrument.js dist/shared/db/migrate.main.js  # migrations, then exit

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app

# better-sqlite3 builds from source when no prebuilt binary fits the platform.
FROM base AS build-tools
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

# `--workspaces=false` leaves out the infra/ workspace (the CDK, ~200 MB): the image never deploys.
FROM build-tools AS dev-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --workspaces=false --no-audit --no-fund

FROM build-tools AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --workspaces=false --no-audit --no-fund

# The compiled processes (dist/) and the browser bundle (web/dist; in AWS it is served from S3,
# locally the gateway serves it).
FROM dev-deps AS build
COPY . .
RUN npm run build

FROM base AS runtime
ENV NODE_ENV=production
# Every listener binds every interface: the load balancer, Docker's port mapping and Prometheus
# reach the processes from outside the container (outside one, they default to loopback).
ENV HOST=0.0.0.0 METRICS_HOST=0.0.0.0 LLM_SIM_HOST=0.0.0.0
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# Redis scripts are read from their files at start (shared/redis/scripts.ts).
COPY shared/redis/lua ./shared/redis/lua
# The SQLite default (AIRA_DATA_DIR=./data) must be writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000 9101 9102
# Gateway: PORT and /healthz. Workers set HEALTHCHECK_PORT=$METRICS_PORT and HEALTHCHECK_PATH=/metrics.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTHCHECK_PORT||process.env.PORT||3000)+(process.env.HEALTHCHECK_PATH||'/healthz')).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "./dist/shared/telemetry/instrument.js", "dist/services/gateway/main.js"]
