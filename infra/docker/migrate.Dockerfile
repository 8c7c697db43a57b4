# syntax=docker/dockerfile:1.7
# A one-shot job: applies the committed migrations to DATABASE_URL, then seeds the plans and the model
# catalog. Both steps are idempotent (seeding keeps admins' edits), so it runs before every rollout.
#   docker build -f infra/docker/migrate.Dockerfile -t synthwell/migrate .
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
RUN npx turbo run build --filter=@synthwell/db --output-logs=errors-only

# Production dependencies of this one workspace (and the workspace packages it uses), nothing else.
# No install scripts: nothing at run time needs a native build or a downloaded engine.
FROM ${NODE_IMAGE} AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace=@synthwell/db

FROM ${NODE_IMAGE} AS migrate
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app ./
COPY --from=build /app/packages/db/dist ./packages/db/dist
# `migrate deploy` reads the committed SQL from here.
COPY --from=build /app/packages/db/prisma ./packages/db/prisma
USER node
# A job, not a server: there is nothing to probe, its exit status is what counts.
HEALTHCHECK NONE
CMD ["sh", "-c", "node packages/db/dist/cli.js migrate deploy && node packages/db/dist/cli.js seed"]
