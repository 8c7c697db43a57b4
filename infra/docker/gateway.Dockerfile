# syntax=docker/dockerfile:1.7
# The model gateway, and (target `worker`) the synthetic-data worker: the same image, another command.
#   docker build -f infra/docker/gateway.Dockerfile -t synthwell/gateway .
#   docker build -f infra/docker/gateway.Dockerfile --target worker -t synthwell/worker .
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Only the manifests, so the dependency layers below are rebuilt when they change, not on every edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
      | xargs -I{} cp --parents {} /manifests

FROM ${NODE_IMAGE} AS build
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npx turbo run build --filter=@synthwell/gateway --output-logs=errors-only
# Train the offline models now, so a container loads them in a second instead of training at start.
RUN node infra/docker/warm-models.mjs /app/models

# Production dependencies of this one workspace (and the workspace packages it uses), nothing else.
# No install scripts: nothing at run time needs a native build or a downloaded engine.
FROM ${NODE_IMAGE} AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace=@synthwell/gateway

FROM ${NODE_IMAGE} AS gateway
ENV NODE_ENV=production \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=4000 \
    MODEL_CACHE_DIR=/app/models \
    IMAGE_STORAGE_DIR=/data/images \
    USAGE_JOURNAL_DIR=/data/journal \
    PROVENANCE_KEY_DIR=/data/keys
WORKDIR /app
COPY --from=deps /app ./
COPY --from=build /app/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /app/packages/db/dist ./packages/db/dist
COPY --from=build /app/packages/providers/dist ./packages/providers/dist
COPY --from=build /app/packages/server/dist ./packages/server/dist
COPY --from=build /app/packages/synthetic/dist ./packages/synthetic/dist
COPY --from=build /app/apps/gateway/dist ./apps/gateway/dist
COPY --from=build /app/models ./models
# /data is the only place the gateway writes: images, the usage journal (mount a volume that outlives
# the container there) and, in the embedded default only, a generated provenance key.
RUN mkdir -p /data/images /data/journal /data/keys && chown -R node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GATEWAY_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
WORKDIR /app/apps/gateway
CMD ["node", "--enable-source-maps", "--max-semi-space-size=32", "dist/main.js"]

# A synthetic-data worker serves only its probes (/healthz, /readyz) on SYNTHETIC_WORKER_HEALTH_PORT:
# it needs REDIS_URL, stops cleanly on SIGTERM by handing its running jobs back to the queue, and a
# killed worker's jobs are resumed by another one after SYNTHETIC_LOCK_MS.
FROM gateway AS worker
ENV SYNTHETIC_WORKER_HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SYNTHETIC_WORKER_HEALTH_PORT||8081)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/synthetic/worker.main.js"]
