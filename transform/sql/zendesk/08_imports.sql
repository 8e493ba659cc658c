-- Zendesk target: the Ticket Import of each migrated ticket, with its comments in thread order.

CREATE OR REPLACE TEMP TABLE t_zd_thread AS
SELECT ticket_id,
    CAST('[' || string_agg(CAST(payload(json_object('source_id', source_id, 'author_ref', author_ref,
        'author_id', author_id, 'html_body', html_body, 'public', public, 'created_at', created_at,
        'attachments', coalesce(attachments, '[]'::JSON))) AS TEXT), ','
        ORDER BY source_created_at, id_key(source_id), source_id) || ']' AS JSON) AS comments,
    list_sort(list_distinct(list(author_ref) FILTER (WHERE author_ref IS NOT NULL))) AS author_refs,
    count(*) AS comment_count
FROM plan_comments GROUP BY ticket_id;

-- A solved or closed ticket was solved when its last close part was posted, else when it last
-- changed.
CREATE OR REPLACE TEMP TABLE t_zd_solved AS
SELECT t.source_id, coalesce(
    (SELECT max(c.created_at) FROM t_comments c WHERE c.ticket_id = t.source_id AND c.channel = 'close'),
    t.updated_at, t.created_at) AS solved_at
FROM t_tickets t;

CREATE OR REPLACE TABLE plan_tickets AS
SELECT 'ticket_import:' || t.source_id AS op_id, t.source_id, t.source_id AS external_id,
    CASE WHEN coalesce(trim(t.subject), '') = '' THEN '(no subject)' ELSE t.subject END AS subject,
    CASE WHEN ra.source_id IS NULL THEN 'user:' || t.requester_id END AS requester_ref,
    ra.admin_id AS requester_id,
    coalesce(am.admin_id, CASE WHEN t.assignee_id IS NULL THEN c.unassigned_admin_id END) AS assignee_id,
    coalesce(gm.team_id, CASE WHEN t.assignee_id IS NULL THEN c.unassigned_team_id END) AS group_id,
    o.op_id AS organization_ref, s.zd_status AS status,
    CASE lower(t.priority) WHEN 'priority' THEN 'high' WHEN 'low' THEN 'low' WHEN 'normal' THEN 'normal'
        WHEN 'high' THEN 'high' WHEN 'urgent' THEN 'urgent' END AS priority,
    zd_tags(list_concat(t.tags, list_filter([c.tag], x -> x IS NOT NULL))) AS tags,
    iso(t.created_at) AS created_at, iso(coalesce(t.updated_at, t.created_at)) AS updated_at,
    CASE WHEN s.zd_status IN ('solved', 'closed') THEN iso(sv.solved_at) END AS solved_at,
    cf.custom_fields, coalesce(th.comments, '[]'::JSON) AS comments, coalesce(th.author_refs, []) AS author_refs,
    coalesce(th.comment_count, 0) AS comment_count, s.zd_status = 'closed' AS archive_immediately,
    t.channel, tr.total_count AS source_comment_total, tr.fetched AS source_comment_fetched
FROM t_tickets t CROSS JOIN t_context c
JOIN t_zd_status s ON s.source_id = t.source_id
JOIN t_zd_solved sv ON sv.source_id = t.source_id
LEFT JOIN (SELECT m.* FROM t_agent_map m JOIN t_agent_ids a USING (source_id)) ra ON ra.source_id = t.requester_id
LEFT JOIN t_agent_map am ON am.source_id = t.assignee_id
LEFT JOIN t_group_map gm ON gm.source_id = t.group_id
LEFT JOIN plan_organizations o ON o.source_id = t.organization_id
LEFT JOIN t_zd_custom_fields cf ON cf.ticket_id = t.source_id
LEFT JOIN t_zd_thread th ON th.ticket_id = t.source_id
LEFT JOIN t_zd_truncated_now tr ON tr.source_id = t.source_id
ORDER BY id_key(t.source_id);

-- A thread the source gave only in part is imported as far as it was fetched, and says so: the
-- report must not claim a complete history.
INSERT INTO t_policy
SELECT 'tickets', source_id, 'thread_truncated',
    'the source returned ' || source_comment_fetched || ' of ' || source_comment_total
    || ' parts (Intercom keeps the 500 most recent): the import carries ' || comment_count || ' comments'
FROM plan_tickets WHERE source_comment_total IS NOT NULL;

INSERT INTO t_notes
SELECT 'tickets', source_id, 'organization not in staging: ticket has no organization'
FROM t_tickets t WHERE organization_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM plan_organizations o WHERE o.source_id = t.organization_id);

INSERT INTO t_policy
SELECT 'tickets', t.source_id, 'ticket_unassigned',
    CASE WHEN c.unassigned = 'leave' THEN 'no assignee: left unassigned (options.assignment.unassigned)'
        ELSE 'no assignee: assigned to ' || c.unassigned || ' (options.assignment.unassigned)' END
FROM t_tickets t CROSS JOIN t_context c WHERE t.assignee_id IS NULL;
