-- Read models (PostgreSQL), written by src/projections. JSON columns are TEXT (the same SQL serves SQLite);
-- times are ISO-8601 text from the events' recordedAt; positions are $all positions. Rebuildable from the log.
CREATE TABLE projection_checkpoints (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  position BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE read_experiments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  config TEXT NOT NULL,
  seed BIGINT NOT NULL,
  proposed INTEGER NOT NULL,
  pruned INTEGER NOT NULL,
  trained INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  best_candidate_id TEXT,
  best_accuracy DOUBLE PRECISION,
  reason TEXT,
  error TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  updated_at TEXT NOT NULL,
  last_position BIGINT NOT NULL
);
CREATE INDEX read_experiments_started ON read_experiments (started_at, id);
CREATE INDEX read_experiments_status ON read_experiments (status, started_at, id);

CREATE TABLE read_candidates (
  id TEXT PRIMARY KEY,
  experiment_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  candidate TEXT NOT NULL,
  controller TEXT NOT NULL,
  log_probs TEXT NOT NULL,
  status TEXT NOT NULL,
  device TEXT,
  luts DOUBLE PRECISION,
  throughput_fps DOUBLE PRECISION,
  latency_ms DOUBLE PRECISION,
  feasible BOOLEAN,
  violations TEXT NOT NULL,
  layers TEXT NOT NULL,
  accuracy DOUBLE PRECISION,
  test_accuracy DOUBLE PRECISION,
  backend TEXT,
  train_seconds DOUBLE PRECISION,
  curve TEXT NOT NULL,
  reward DOUBLE PRECISION,
  reward_reason TEXT,
  proposed_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_position BIGINT NOT NULL
);
CREATE INDEX read_candidates_experiment ON read_candidates (experiment_id, idx);
CREATE INDEX read_candidates_accuracy ON read_candidates (experiment_id, accuracy);
