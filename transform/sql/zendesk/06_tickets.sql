-- Zendesk target: each migrated source ticket or conversation becomes one Ticket Import with
-- every comment inside it (docs/load-plan.md, "Payloads (Zendesk)").

-- Source states onto Zendesk statuses: Zendesk's own pass through; Intercom's conversation states
-- (open, snoozed, closed) and ticket state categories (submitted, in_progress,
-- waiting_on_customer, resolved) take the nearest.
CREATE OR REPLACE TEMP TABLE t_zd_status_map AS
SELECT * FROM (VALUES
    ('new', 'new'), ('open', 'open'), ('pending', 'pending'), ('hold', 'hold'), ('solved', 'solved'),
    ('closed', 'closed'), ('snoozed', 'pending'), ('submitted', 'open'), ('in_progress', 'open'),
    ('waiting_on_customer', 'pending'), ('resolved', 'solved')
) v(status, zd_status);

-- mapping.statuses names a Zendesk status; it wins over the table above.
CREATE OR REPLACE TEMP TABLE t_zd_status AS
SELECT t.source_id, t.status,
    coalesce(
        (SELECT min(lower(trim(m.state))) FROM transform_map_statuses m
         WHERE name_key(m.source) = name_key(t.status)
           AND lower(trim(m.state)) IN (SELECT zd_status FROM t_zd_status_map)),
        s.zd_status, 'open') AS zd_status,
    s.zd_status IS NULL AS unknown
FROM t_tickets t LEFT JOIN t_zd_status_map s ON s.status = lower(t.status);

INSERT INTO t_mapping
SELECT DISTINCT 'ticket_status', status, zd_status, zd_status, NOT unknown FROM t_zd_status WHERE status IS NOT NULL;

INSERT INTO t_notes
SELECT 'tickets', source_id, 'unknown status: imported as open' FROM t_zd_status WHERE unknown AND status IS NOT NULL;

-- Custom field values onto existing Zendesk ticket fields, by name: a source field is named by its
-- ticket_fields title (Intercom tickets key attributes by id) or by its key (conversation
-- attributes are keyed by name). Fields Zendesk lacks are left out and counted.
CREATE OR REPLACE TEMP TABLE t_zd_field_values AS
SELECT t.source_id AS ticket_id, j.key, coalesce(f.title, j.key) AS name, j.value,
    (SELECT min_by(a.id, id_key(a.id)) FROM target_ticket_type_attributes a
     WHERE name_key(a.name) = name_key(coalesce(f.title, j.key))) AS field_id
FROM t_tickets t, json_each(t.custom_fields) j
LEFT JOIN ticket_fields f ON f.source_id = j.key
WHERE j.type <> 'NULL' AND j.value::VARCHAR NOT IN ('""', '[]')
  AND NOT starts_with(coalesce(f.title, j.key), '_default_');

INSERT INTO t_notes
SELECT DISTINCT 'tickets', ticket_id, 'custom field with no Zendesk ticket field of its name: not migrated'
FROM t_zd_field_values WHERE field_id IS NULL;

CREATE OR REPLACE TEMP TABLE t_zd_custom_fields AS
SELECT ticket_id,
    CAST('[' || string_agg(CAST(json_object('id', coalesce(to_json(TRY_CAST(field_id AS BIGINT)), to_json(field_id)), 'value', value) AS TEXT),
        ',' ORDER BY id_key(field_id)) || ']' AS JSON) AS custom_fields
FROM t_zd_field_values WHERE field_id IS NOT NULL
GROUP BY ticket_id;

-- Threads the source returned in part (Intercom keeps a conversation's 500 most recent parts): the
-- latest word of the extract on each.
CREATE OR REPLACE TEMP TABLE t_zd_truncated AS
SELECT source_id, arg_max(total_count, (snapshot_id, page_id)) AS total_count,
    arg_max(fetched, (snapshot_id, page_id)) AS fetched
FROM extract_truncations WHERE entity = 'tickets' AND part = 'comments'
GROUP BY source_id;

CREATE OR REPLACE TEMP TABLE t_zd_truncated_now AS
SELECT * FROM t_zd_truncated WHERE total_count > fetched;
