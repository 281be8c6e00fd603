-- Event log (SQLite). position is the global order of $all: SQLite has one writer at a time, so rowid order is
-- commit order. data and metadata are JSON text; hash duplicates metadata.hash for a cheap stream-head lookup.
CREATE TABLE events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);
