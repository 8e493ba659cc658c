-- Number the ops, cut them into batches and write the final plan tables in a fixed row order.

-- seq: dense from 1 in (stage, kind, natural order, op_id). Batches: runs of batch_size ops of one
-- stage and kind. A chain (a ticket's parts) must not span batches, so an op is batched by the
-- position of its chain's first op: a batch takes every chain that starts inside it, whole, and so
-- may hold a few more than batch_size ops. A chain is contiguous in seq because parts sort by
-- ticket first.
CREATE OR REPLACE TABLE plan_ops (
    op_id    TEXT PRIMARY KEY,
    seq      BIGINT NOT NULL UNIQUE,
    stage    INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    entity   TEXT NOT NULL,
    source_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    chain    TEXT NOT NULL,
    refs     TEXT[] NOT NULL,
    payload  JSON NOT NULL
);

INSERT INTO plan_ops
WITH numbered AS (
    SELECT *, row_number() OVER (ORDER BY stage, kind, ord, op_id) AS seq FROM t_ops
), positioned AS (
    SELECT *, seq - min(seq) OVER (PARTITION BY stage, kind) AS pos FROM numbered
), chained AS (
    SELECT *, CASE WHEN chain = '' THEN pos ELSE min(pos) OVER (PARTITION BY stage, kind, chain) END AS chain_pos
    FROM positioned
)
SELECT op_id, seq, stage, kind, entity, source_id,
    printf('%d-%s-%05d', stage, kind,
        dense_rank() OVER (PARTITION BY stage, kind ORDER BY chain_pos // c.batch_size)) AS batch_id,
    chain, refs, payload
FROM chained CROSS JOIN t_context c
ORDER BY seq;

-- The scratch tables and helpers go: they would otherwise hold memory on the connection.
DROP TABLE t_context;
DROP TABLE t_tickets; DROP TABLE t_comments; DROP TABLE t_persons; DROP TABLE t_agent_ids;
DROP TABLE t_needed_users; DROP TABLE t_users; DROP TABLE t_admins_by_email; DROP TABLE t_agent_map;
DROP TABLE t_teams_by_name; DROP TABLE t_group_map; DROP TABLE t_ticket_type; DROP TABLE t_field_values;
DROP TABLE t_fields; DROP TABLE t_attributes; DROP TABLE t_converted; DROP TABLE t_ticket_values;
DROP TABLE t_part_heads; DROP TABLE t_attachments; DROP TABLE t_status_map; DROP TABLE t_states;
DROP TABLE t_ticket_status; DROP TABLE t_ticket_tags; DROP TABLE t_ops;
DROP TABLE t_out_of_range; DROP TABLE t_field_map; DROP TABLE t_field_defaults;
DROP TABLE t_custom_values; DROP TABLE t_contact_phones; DROP TABLE t_custom_attributes;
DROP TABLE t_attachment_notices; DROP TABLE t_status_override; DROP TABLE t_ticket_type_of;
