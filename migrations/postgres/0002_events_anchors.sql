-- Anchors (PostgreSQL). Each event gets a seal: sha256 over the previous event's seal, its global position and its
-- hash, so a moved position shows. stream_heads records each stream's last revision, hash, position and seal; an
-- append updates it in the same transaction, so a stream cut short of its anchor shows as truncated. Rows written
-- before this migration keep a NULL seal; their streams' heads are backfilled from the events.
ALTER TABLE events ADD COLUMN seal TEXT;
CREATE TABLE stream_heads (
  stream_id TEXT PRIMARY KEY,
  revision BIGINT NOT NULL,
  hash TEXT NOT NULL,
  position BIGINT NOT NULL,
  seal TEXT
);
INSERT INTO stream_heads (stream_id, revision, hash, position, seal)
  SELECT DISTINCT ON (stream_id) stream_id, revision, hash, position, NULL
    FROM events
   ORDER BY stream_id, revision DESC;
