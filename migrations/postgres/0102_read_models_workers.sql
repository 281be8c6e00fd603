-- The workers read model (src/projections/workers.ts): one row per `cosearch worker` id, folded from its
-- worker-<id> stream and the job streams it writes (claims, heartbeats, results).
CREATE TABLE read_workers (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  state TEXT NOT NULL,
  current_job TEXT,
  current_experiment TEXT,
  current_candidate TEXT,
  current_attempt INTEGER,
  lease_expires_at TEXT,
  heartbeat_at TEXT NOT NULL,
  started_at TEXT NOT NULL,
  stopped_at TEXT,
  stop_reason TEXT,
  trained INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  last_position BIGINT NOT NULL
);
CREATE INDEX read_workers_started ON read_workers (started_at, id);
