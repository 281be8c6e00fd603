-- The candidates read model keeps each candidate's record of src/experiment's fold (the candidate part of
-- src/experiment/snapshot.ts) beside its row, so its status and accuracy are that fold's; projection version 3
-- refills it.
ALTER TABLE read_candidates ADD COLUMN model TEXT NOT NULL DEFAULT '{}';
