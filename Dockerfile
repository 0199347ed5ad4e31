# syntax=docker/dockerfile:1
# Copse runs on Node 24 as JavaScript that esbuild bundles from its TypeScript sources
# (scripts/build.mjs, what `npm start` does); the image needs Node and the production
# dependencies only, and no Deno.

# --- Stage 1: install production dependencies -------------------------------------------------
FROM node:24-slim AS deps
WORKDIR /app

# better-sqlite3 and argon2 normally download prebuilt binaries, but when none matches the
# platform npm compiles them from source, which needs Python and a C++ toolchain. They are
# installed in this stage only, so they never reach the final image.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

# The postinstall hook runs scripts/ensure-node.mjs (a no-op on Node 24), so the script must be
# present before `npm ci` or the install fails.
COPY package.json package-lock.json ./
COPY scripts/ ./scripts/
# esbuild and sass are production dependencies: `node scripts/build.mjs` below bundles the
# server with the one and compiles its stylesheet with the other, so the running server loads
# neither. (The postinstall build waits for src/.)
RUN npm ci --omit=dev --no-audit --no-fund

# --- Stage 2: the runtime image ---------------------------------------------------------------
FROM node:24-slim AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    COPSE_DATA_DIR=/data

# The application files stay owned by root, so a compromised server process cannot rewrite
# its own code; only /data is writable by the `node` user.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY scripts/ ./scripts/
COPY migrations/ ./migrations/
COPY src/ ./src/
COPY tsconfig.json ./
RUN node scripts/build.mjs

# Creating /data before declaring the volume makes Docker copy its ownership into a new named
# volume, so the unprivileged user can write the SQLite database and uploads there.
RUN mkdir -p /data && chown node:node /data
VOLUME /data

# The official Node image ships a `node` user (uid 1000); running as it keeps the server from
# having root inside the container.
USER node

EXPOSE 3000

# Node 24 has fetch built in, so the health check needs no curl or wget in the slim image. It
# uses 127.0.0.1 rather than localhost because localhost may resolve to ::1 while the server
# listens on IPv4 only.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# This is what `npm start` runs once it has built build/ and scripts/ensure-node.mjs has found a
# new enough Node; the image already has both, so node itself is the container's process.
# --max-semi-space-size caps V8's young generation at 8 MB a half: left alone, Node 24 grows
# it to 32-64 MB under load, which was a third of the server's memory; 8 MB kept a burst's
# growth to about a third of what 16 MB allowed, for a few per cent more CPU a request
# (README, Performance).
# MALLOC_ARENA_MAX=2 (as `npm start` sets it) keeps glibc from giving each thread that
# compresses, signs or reads files its own heap: under a steady load the server held 14 MB less
# (README, Performance), for no more CPU a request.
# MALLOC_TRIM_THRESHOLD_=131072 (also as `npm start` sets it) is glibc's own starting value,
# but set explicitly it stops glibc raising its thresholds after large blocks (a compressor's
# state, a response body) are freed, so memory freed at the top of its heap goes back to the
# system instead of being kept for the next burst: 15 MB less under the soak benchmark, 30 MB
# less under a heavier load, for no more CPU a request (README, Performance, tenth round).
ENV MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
CMD ["node", "--enable-source-maps", "--max-semi-space-size=8", "build/main.js"]
