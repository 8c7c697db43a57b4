# syntax=docker/dockerfile:1.7
# The web app: its static build behind a tiny Node server (infra/src/web-server.ts) that serves
# /config.js with the service origins, so one image runs against any deployment.
#   docker build -f infra/docker/web.Dockerfile -t synthwell/web .
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Only the manifests, so the dependency layer below is rebuilt when they change and not on every edit.
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
RUN npx turbo run build --filter=@synthwell/web --filter=@synthwell/infra --output-logs=errors-only

# No node_modules at run time: the server uses Node's standard library only.
FROM ${NODE_IMAGE} AS web
ENV NODE_ENV=production WEB_HOST=0.0.0.0 WEB_PORT=3000 WEB_ROOT=/app/public
WORKDIR /app
COPY --from=build /app/infra/dist/web-server.js ./web-server.mjs
COPY --from=build /app/apps/web/dist ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WEB_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "web-server.mjs"]
