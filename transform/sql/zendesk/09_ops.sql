-- Zendesk target: every op with its payload (docs/load-plan.md, "Payloads (Zendesk)"), numbered
-- and batched, and the shared plan tables in a fixed row order.
CREATE OR REPLACE TEMP TABLE t_ops AS
SELECT op_id, 1 AS stage, 'organization' AS kind, 'companies' AS entity, source_id, '' AS chain,
    json_object('organization', payload(json_object('name', name, 'external_id', external_id,
        'created_at', created_at, 'domain_names', domain_names, 'details', details, 'notes', notes, 'tags', tags,
        'organization_fields', organization_fields))) AS payload,
    []::TEXT[] AS refs, [id_key(source_id)] AS ord
FROM plan_organizations

UNION ALL
SELECT op_id, 2, 'user', 'contacts', source_id, '',
    json_object('user', payload(json_object('name', name, 'email', email, 'phone', phone, 'role', role, 'verified', verified,
        'external_id', external_id, 'organization_ref', organization_ref, 'created_at', created_at, 'tags', tags,
        'user_fields', user_fields))),
    list_filter([organization_ref], r -> r IS NOT NULL), [id_key(source_id)]
FROM plan_users

UNION ALL
SELECT op_id, 3, 'ticket_import', 'tickets', source_id, '',
    json_object('ticket', payload(json_object('external_id', external_id, 'subject', subject,
        'requester_ref', requester_ref, 'requester_id', TRY_CAST(requester_id AS BIGINT),
        'assignee_id', TRY_CAST(assignee_id AS BIGINT), 'group_id', TRY_CAST(group_id AS BIGINT),
        'organization_ref', organization_ref, 'status', status, 'priority', priority, 'tags', tags,
        'created_at', created_at, 'updated_at', updated_at, 'solved_at', solved_at,
        'custom_fields', custom_fields)),
        'archive_immediately', archive_immediately),
    list_sort(list_distinct(list_concat(list_filter([requester_ref, organization_ref], r -> r IS NOT NULL), author_refs))),
    [id_key(source_id)]
FROM plan_tickets;

-- The comments go inside the ticket object (payload() would drop their null keys only at the top
-- level of each comment, so they were cleaned one by one in 08_imports.sql).
UPDATE t_ops SET payload = json_merge_patch(payload,
    json_object('ticket', json_object('comments', (SELECT p.comments FROM plan_tickets p WHERE p.op_id = t_ops.op_id))))
WHERE kind = 'ticket_import';

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
)
SELECT op_id, seq, stage, kind, entity, source_id,
    printf('%d-%s-%05d', stage, kind, pos // c.batch_size + 1), chain, refs, payload
FROM positioned CROSS JOIN t_context c
ORDER BY seq;

