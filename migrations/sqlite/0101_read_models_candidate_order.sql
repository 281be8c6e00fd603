-- Keyset pagination of read_candidates (listCandidates in src/projections/candidates.ts): one index per ordering,
-- on exactly the query's sort expression (NULL sorts as -1e18) with the id tie-break, so a page reads `first + 1`
-- index entries instead of sorting every candidate of the experiment. Replaces the two 0100 indexes.
DROP INDEX read_candidates_experiment;
DROP INDEX read_candidates_accuracy;
CREATE INDEX read_candidates_by_index ON read_candidates (experiment_id, idx, id);
CREATE INDEX read_candidates_by_accuracy ON read_candidates (experiment_id, (COALESCE(accuracy, -1e18)), id);
CREATE INDEX read_candidates_by_luts ON read_candidates (experiment_id, (COALESCE(luts, -1e18)), id);
CREATE INDEX read_candidates_by_throughput ON read_candidates (experiment_id, (COALESCE(throughput_fps, -1e18)), id);
CREATE INDEX read_candidates_by_reward ON read_candidates (experiment_id, (COALESCE(reward, -1e18)), id);
