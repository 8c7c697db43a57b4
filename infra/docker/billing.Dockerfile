# syntax=docker/dockerfile:1.7
# The accounts and billing service.
#   docker build -f infra/docker/billing.Dockerfile -t synthwell/billing .
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
RUN npx turbo run build --filter=@synthwell/billing --output-logs=errors-only

# Production dependencies of this one workspace (and the workspace packages it uses), nothing else.
# No install scripts: nothing at run time needs a native build or a downloaded engine.
FROM ${NODE_IMAGE} AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace=@synthwell/billing

FROM ${NODE_IMAGE} AS billing
ENV NODE_ENV=production BILLING_HOST=0.0.0.0 BILLING_PORT=4100
WORKDIR /app
COPY --from=deps /app ./
COPY --from=build /app/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /app/packages/db/dist ./packages/db/dist
COPY --from=build /app/packages/server/dist ./packages/server/dist
COPY --from=build /app/apps/billing/dist ./apps/billing/dist
USER node
EXPOSE 4100
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.BILLING_PORT||4100)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
WORKDIR /app/apps/billing
CMD ["node", "--enable-source-maps", "dist/main.js"]
