-- Ticket states and tags. Both come after every part (stage 8): a state set before the replies
-- would be reopened by them, and tags need the ticket and the tag to exist.

-- Zendesk statuses onto Intercom's state categories. new is what a created ticket already is.
CREATE OR REPLACE TEMP TABLE t_status_map AS
SELECT * FROM (VALUES
    ('new', 'submitted'), ('open', 'in_progress'), ('hold', 'in_progress'),
    ('pending', 'waiting_on_customer'), ('solved', 'resolved'), ('closed', 'resolved')
) v(status, category);

-- A category can hold several states (custom ones): the lowest id is the default one.
CREATE OR REPLACE TEMP TABLE t_states AS
SELECT category, min_by(id, id_key(id)) AS id FROM target_ticket_states GROUP BY category;

-- mapping.statuses names a state by its label (a custom state) or its category; it wins over the
-- default above.
CREATE OR REPLACE TEMP TABLE t_status_override AS
SELECT m.source AS status,
    coalesce(min_by(ts.category, id_key(ts.id)) FILTER (WHERE name_key(ts.internal_label) = name_key(m.state)),
             min(ts.category) FILTER (WHERE ts.category = lower(trim(m.state))), lower(trim(m.state))) AS category,
    coalesce(min_by(ts.id, id_key(ts.id)) FILTER (WHERE name_key(ts.internal_label) = name_key(m.state)),
             min_by(ts.id, id_key(ts.id)) FILTER (WHERE ts.category = lower(trim(m.state)))) AS state_id
FROM transform_map_statuses m LEFT JOIN target_ticket_states ts ON true
GROUP BY m.source, m.state;

CREATE OR REPLACE TEMP TABLE t_ticket_status AS
SELECT t.source_id, t.op_id, t.kind, t.status, coalesce(o.category, m.category) AS category,
    CASE WHEN o.status IS NOT NULL THEN o.state_id ELSE s.id END AS state_id
FROM plan_tickets t
LEFT JOIN t_status_map m ON m.status = t.status
LEFT JOIN t_status_override o ON name_key(o.status) = name_key(t.status)
LEFT JOIN t_states s ON s.category = m.category;

INSERT INTO t_mapping
SELECT DISTINCT 'ticket_status', status, category, state_id, state_id IS NOT NULL
FROM t_ticket_status WHERE kind = 'ticket' AND status IS NOT NULL;

INSERT INTO t_notes
SELECT 'tickets', source_id, 'unknown status: left as created'
FROM t_ticket_status WHERE status IS NOT NULL AND category IS NULL;

INSERT INTO t_skips
SELECT 'ticket_states', source_id, 'no ' || category || ' ticket state in the target workspace'
FROM t_ticket_status WHERE kind = 'ticket' AND category <> 'submitted' AND state_id IS NULL;

-- Ticket mode: set the state unless it is the submitted one tickets are created in. Conversation
-- mode: close what was solved or closed; everything else stays open as created.
CREATE OR REPLACE TABLE plan_ticket_states AS
SELECT 'ticket_state:' || s.source_id AS op_id, s.source_id, s.kind AS parent, s.op_id AS parent_ref,
    s.status, s.category,
    CASE WHEN s.kind = 'ticket' THEN s.state_id END AS ticket_state_id,
    CASE WHEN s.kind = 'conversation' THEN c.default_admin_id END AS admin_id,
    CASE WHEN s.kind = 'conversation' THEN true END AS close,
    CASE WHEN s.kind = 'ticket' THEN c.skip_notifications END AS skip_notifications
FROM t_ticket_status s CROSS JOIN t_context c
WHERE (s.kind = 'ticket' AND s.category <> 'submitted' AND s.state_id IS NOT NULL)
   OR (s.kind = 'conversation' AND s.category = 'resolved')
ORDER BY id_key(s.source_id);

-- Tags: Intercom tag names are case-insensitive, so tags are one per lower-cased name; the name
-- sent is the smallest spelling seen, so it does not depend on row order.
CREATE OR REPLACE TEMP TABLE t_ticket_tags AS
SELECT DISTINCT p.source_id AS ticket_id, p.op_id AS parent_ref, p.kind AS parent,
    name_key(u.tag) AS tag_key, trim(u.tag) AS tag
FROM plan_tickets p JOIN t_tickets t ON t.source_id = p.source_id, unnest(t.tags) AS u(tag)
WHERE coalesce(trim(u.tag), '') <> ''
UNION
-- options.tag marks every migrated ticket, so they can be found (and told apart) in Intercom.
SELECT p.source_id, p.op_id, p.kind, name_key(c.tag), trim(c.tag)
FROM plan_tickets p CROSS JOIN t_context c WHERE c.tag IS NOT NULL;

CREATE OR REPLACE TABLE plan_tags AS
SELECT 'tag:' || tag_key AS op_id, tag_key AS source_id, min(tag) AS name
FROM t_ticket_tags GROUP BY tag_key
ORDER BY tag_key;

CREATE OR REPLACE TABLE plan_taggings AS
SELECT DISTINCT 'tagging:' || g.ticket_id || ':' || g.tag_key AS op_id, g.ticket_id || ':' || g.tag_key AS source_id,
    g.ticket_id, g.tag_key, g.parent, g.parent_ref, 'tag:' || g.tag_key AS tag_ref, c.default_admin_id AS admin_id
FROM t_ticket_tags g CROSS JOIN t_context c
ORDER BY id_key(g.ticket_id), g.tag_key;
