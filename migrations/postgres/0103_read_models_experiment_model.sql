-- The experiments read model keeps a snapshot of src/experiment's fold (src/experiment/snapshot.ts) beside
-- its row, so its counts and best candidate are that fold's views; projection version 2 refills it.
ALTER TABLE read_experiments ADD COLUMN model TEXT NOT NULL DEFAULT '{"status":"new","candidates":[]}';
