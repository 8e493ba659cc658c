-- Run last for every target: the per-record outcomes every step collected (skips, notes, policy
-- outcomes, the mapping) become the shared tables, in a fixed row order, so a reader and a golden
-- file see them sorted whatever order the steps added them in.
CREATE OR REPLACE TABLE plan_skips AS
SELECT DISTINCT entity, source_id, reason FROM t_skips
ORDER BY entity, id_key(source_id), source_id, reason;

CREATE OR REPLACE TABLE transform_notes AS
SELECT DISTINCT entity, source_id, note FROM t_notes
ORDER BY entity, id_key(source_id), source_id, note;

-- Every option and policy outcome per record, with its code (docs/load-plan.md).
CREATE OR REPLACE TABLE plan_notes AS
SELECT DISTINCT entity, source_id, code, note FROM t_policy
ORDER BY entity, id_key(source_id), source_id, code, note;

CREATE OR REPLACE TABLE transform_mapping AS
SELECT DISTINCT kind, source_id, source_name, target_id, matched FROM t_mapping
ORDER BY kind, id_key(source_id), source_id, source_name, target_id NULLS FIRST, matched;

DROP TABLE t_skips; DROP TABLE t_notes; DROP TABLE t_policy; DROP TABLE t_mapping;
