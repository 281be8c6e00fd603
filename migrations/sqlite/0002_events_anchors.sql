-- Anchors (SQLite). Each event gets a seal: sha256 over the previous event's seal, its global position and its
-- hash, so a moved position shows. stream_heads records each stream's last revision, hash, position and seal; an
-- append updates it in the same transaction, so a stream cut short of its anchor shows as truncated. Rows written
-- before this migration keep a NULL seal; their streams' heads are backfilled from the events.
ALTER TABLE events ADD COLUMN seal TEXT;
CREATE TABLE stream_heads (
  stream_id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  hash TEXT NOT NULL,
  position INTEGER NOT NULL,
  seal TEXT
);
INSERT INTO stream_heads (stream_id, revision, hash, position, seal)
  SELECT e.stream_id, e.revision, e.hash, e.position, NULL
    FROM events AS e
    JOIN (SELECT stream_id, max(revision) AS revision FROM events GROUP BY stream_id) AS h
      ON h.stream_id = e.stream_id AND h.revision = e.revision;
