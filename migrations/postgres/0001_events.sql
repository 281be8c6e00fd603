-- Event log (PostgreSQL). Appends hold a transaction-scoped advisory lock while they allocate positions as
-- max(position)+1, so positions are gap-free and commit in position order (see src/store/postgresStore.ts).
CREATE TABLE events (
  position BIGINT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data JSONB NOT NULL,
  metadata JSONB NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);
