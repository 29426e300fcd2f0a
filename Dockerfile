# syntax=docker/dockerfile:1
# Node 26, the active LTS line; CI tests the exact version in .node-version.
# Build stage: compile TypeScript.
FROM node:26-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies and the compiled code only, as a non-root user.
# test/image/runtime-stage.test.ts replays this stage (its COPYs, RUN, USER, ENTRYPOINT, CMD).
FROM node:26-bookworm-slim
# The live heap is small; without a ceiling V8 sizes it from the host's memory and lets RSS
# grow to ~170 MB before collecting (bench/RESULTS.md). 256 MB keeps peak RSS near 140 MB.
ENV NODE_ENV=production PORT=8080 NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
# Your app's expectation: copy a manifest and/or alembic/versions here (see README).
COPY expected ./expected
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/bin.js"]
CMD ["serve"]
