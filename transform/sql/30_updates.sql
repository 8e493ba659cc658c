-- Delta migrations. A ticket, conversation, contact or knowledge base article the source changed after the extract that first staged it
-- (so raw_* holds more than one version of it) gets an update op: the fields Intercom lets a client
-- change, set to the latest version. The op id carries the source's updated_at, so a change is sent
-- once and a later change is a new op; a record staged in one version gets none, its create
-- carries it. Replies added since are new part ops of their own already.

CREATE OR REPLACE TEMP TABLE t_update_ops AS
WITH ticket_versions AS (
    SELECT source_id, max(updated_at) AS last FROM raw_tickets
    GROUP BY source_id HAVING count(DISTINCT updated_at) > 1
), submitted AS (
    SELECT min_by(id, id_key(id)) AS id FROM target_ticket_states WHERE category = 'submitted'
)
SELECT 'ticket_update:' || t.source_id || ':' || unix_s(v.last) AS op_id, 30 AS stage, 'ticket_update' AS kind,
    'ticket_updates' AS entity, t.source_id,
    payload(json_object('parent', 'ticket', 'parent_ref', t.op_id,
        'ticket_attributes', json_merge_patch(
            json_object('_default_title_', t.title, '_default_description_', t.description), t.custom_attributes),
        'ticket_state_id', coalesce(s.ticket_state_id, sub.id),
        'admin_assignee_id', t.admin_assignee_id,
        'team_assignee_id', CASE WHEN t.admin_assignee_id IS NULL THEN t.team_assignee_id END,
        'admin_id', CASE WHEN coalesce(t.admin_assignee_id, t.team_assignee_id) IS NOT NULL THEN w.me_admin_id END,
        'skip_notifications', t.skip_notifications)) AS payload,
    [t.op_id] AS refs, [id_key(t.source_id)] AS ord
FROM plan_tickets t
JOIN ticket_versions v ON v.source_id = t.source_id
LEFT JOIN plan_ticket_states s ON s.parent_ref = t.op_id
CROSS JOIN submitted sub
LEFT JOIN target_workspace w ON true
WHERE t.kind = 'ticket'

UNION ALL
-- A conversation changed at the source: its title, and closed or open again as it is now.
SELECT 'conversation_update:' || t.source_id || ':' || unix_s(v.last), 30, 'conversation_update',
    'conversation_updates', t.source_id,
    payload(json_object('parent', 'conversation', 'parent_ref', t.op_id, 'title', t.subject,
        'close', coalesce(s.close, false), 'admin_id', w.me_admin_id)),
    [t.op_id], [id_key(t.source_id)]
FROM plan_tickets t
JOIN ticket_versions v ON v.source_id = t.source_id
LEFT JOIN plan_ticket_states s ON s.parent_ref = t.op_id
LEFT JOIN target_workspace w ON true
WHERE t.kind = 'conversation'

UNION ALL
SELECT 'contact_update:' || c.source_id || ':' || unix_s(v.last), 30, 'contact_update', 'contact_updates', c.source_id,
    payload(json_object('contact_ref', c.op_id, 'name', c.name, 'phone', c.phone, 'email', c.email)),
    [c.op_id], [id_key(c.source_id)]
FROM plan_contacts c
JOIN (SELECT source_id, max(updated_at) AS last FROM raw_contacts
      GROUP BY source_id HAVING count(DISTINCT updated_at) > 1) v ON v.source_id = c.source_id

UNION ALL
-- An article edited at the source: its title, state, body and translations as they are now, with
-- its internal links pointed at the migrated articles, as the first load's link pass does (the
-- same article_update kind, so the loader has one way to write an article's content).
SELECT 'article_update:' || a.source_id || ':' || unix_s(v.last), 30, 'article_update', 'kb_article_updates',
    a.source_id,
    payload(json_object('article_ref', a.op_id, 'title', a.title, 'state', a.state, 'body', a.body_html,
        'translated_content', a.translated_content, 'links', coalesce(l.links, CAST('[]' AS JSON)))),
    list_distinct(list_prepend(a.op_id, coalesce(l.refs, []))), [id_key(a.source_id)]
FROM plan_kb_articles a
JOIN (SELECT source_id, max(updated_at) AS last FROM raw_kb_articles
      GROUP BY source_id HAVING count(DISTINCT updated_at) > 1) v ON v.source_id = a.source_id
LEFT JOIN (
    SELECT op_id, payload->'links' AS links, refs FROM plan_ops WHERE kind = 'article_update'
) l ON l.op_id = 'article_update:' || a.source_id;

-- Numbered after every other op, in batches of batch_size per kind.
INSERT INTO plan_ops
WITH base AS (SELECT coalesce(max(seq), 0) AS last FROM plan_ops),
numbered AS (
    SELECT o.*, b.last + row_number() OVER (ORDER BY kind, ord, op_id) AS seq
    FROM t_update_ops o CROSS JOIN base b
), positioned AS (
    SELECT *, row_number() OVER (PARTITION BY kind ORDER BY seq) - 1 AS pos FROM numbered
)
SELECT op_id, seq, stage, kind, entity, source_id,
    printf('%d-%s-%05d', stage, kind, pos // CAST(setting('batch_size') AS BIGINT) + 1), '', refs, payload
FROM positioned
ORDER BY seq;

DROP TABLE t_update_ops;
