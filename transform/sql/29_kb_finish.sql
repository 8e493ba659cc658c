-- The knowledge base added rows to the shared tables: they are written again in 11_finish.sql's
-- order, so a reader (and a golden file) sees them sorted whatever order the inserts ran in.
CREATE OR REPLACE TABLE plan_skips AS
SELECT DISTINCT entity, source_id, reason FROM plan_skips
ORDER BY entity, id_key(source_id), source_id, reason;

CREATE OR REPLACE TABLE transform_notes AS
SELECT DISTINCT entity, source_id, note FROM transform_notes
ORDER BY entity, id_key(source_id), source_id, note;

CREATE OR REPLACE TABLE plan_notes AS
SELECT DISTINCT entity, source_id, code, note FROM plan_notes
ORDER BY entity, id_key(source_id), source_id, code, note;

-- The knowledge base's scratch tables go, like the tickets' in 11_finish.sql.
DROP TABLE t_kb_ctx; DROP TABLE t_kb_target_locales; DROP TABLE t_kb_locales; DROP TABLE t_kb_authors;
DROP TABLE t_kb_tree; DROP TABLE t_kb_place; DROP TABLE t_kb_collections; DROP TABLE t_kb_tr;
DROP TABLE t_kb_translated; DROP TABLE t_kb_articles; DROP TABLE t_kb_links; DROP TABLE t_kb_ops;
