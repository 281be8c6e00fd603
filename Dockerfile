# cosearch service image: builds the TypeScript sources, then runs `cosearch serve` on port 4000.
# Native modules (better-sqlite3) compile in the build stage; the optional tfjs-node is skipped (no internet needed).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Optional packages stay in the build stage for esbuild's platform binary; tfjs-node's install script never runs.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.web.json ./
COPY scripts ./scripts
COPY src ./src
# Only src is compiled into the image (tests and benches stay out); rootDir '.' keeps the dist/src layout.
RUN npx tsc -p tsconfig.json && node scripts/build-web.mjs
RUN npm prune --omit=dev --omit=optional

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production COSEARCH_DATA_DIR=/data COSEARCH_HOST=0.0.0.0 COSEARCH_PORT=4000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY schema ./schema
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
CMD ["node", "dist/src/cli/main.js", "serve"]
