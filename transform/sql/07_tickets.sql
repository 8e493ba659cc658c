-- Tickets (ticket mode) or conversations (conversation mode), one per migrated source ticket.
-- The payloads are assembled in 10_ops.sql from these columns.
CREATE OR REPLACE TABLE plan_tickets AS
SELECT
    c.ticket_mode || ':' || t.source_id AS op_id, t.source_id, c.ticket_mode AS kind,
    tt.target_id AS ticket_type_id, CASE WHEN tt.target_id IS NULL THEN tt.op_id END AS ticket_type_ref,
    'contact:' || t.requester_id AS contact_ref, co.op_id AS company_ref,
    unix_s(t.created_at) AS created_at,
    -- Intercom requires a title; the subject as given, or a placeholder when there is none.
    CASE WHEN coalesce(trim(t.subject), '') = '' THEN '(no subject)' ELSE t.subject END AS title,
    CASE WHEN coalesce(trim(t.subject), '') <> '' THEN t.subject END AS subject,
    t.description,
    -- Conversations take an HTML body: the plain-text description, escaped, line breaks kept.
    CASE WHEN c.ticket_mode = 'conversation' THEN
        '<p>' || replace(html_escape(coalesce(t.description, '')), chr(10), '<br>') || '</p>'
    END AS body,
    -- The custom field values, by attribute name (ticket mode).
    CASE WHEN c.ticket_mode = 'ticket' THEN coalesce(v.attrs, '{}') END AS custom_attributes,
    -- An agent without an admin goes to the default admin, a group without a team to the default
    -- team (or none). A ticket without an assignee follows options.assignment.unassigned: left
    -- unassigned, or given to the team or admin it names.
    coalesce(am.admin_id, CASE WHEN t.assignee_id IS NULL THEN c.unassigned_admin_id END) AS admin_assignee_id,
    coalesce(gm.team_id, CASE WHEN t.assignee_id IS NULL THEN c.unassigned_team_id END) AS team_assignee_id,
    c.skip_notifications,
    t.requester_id, t.assignee_id, t.group_id, t.organization_id, t.status
FROM t_tickets t CROSS JOIN t_context c
LEFT JOIN t_ticket_type_of tto ON tto.ticket_id = t.source_id
LEFT JOIN t_ticket_type tt ON name_key(tt.name) = name_key(tto.type_name)
LEFT JOIN plan_companies co ON co.source_id = t.organization_id
LEFT JOIN t_ticket_values v ON v.ticket_id = t.source_id
LEFT JOIN t_agent_map am ON am.source_id = t.assignee_id
LEFT JOIN t_group_map gm ON gm.source_id = t.group_id
ORDER BY id_key(t.source_id);

INSERT INTO t_notes
SELECT 'tickets', source_id, 'organization not in staging: ticket has no company'
FROM plan_tickets WHERE organization_id IS NOT NULL AND company_ref IS NULL;

INSERT INTO t_policy
SELECT 'tickets', t.source_id, 'ticket_unassigned',
    CASE WHEN c.unassigned = 'leave' THEN 'no assignee: left unassigned (options.assignment.unassigned)'
        ELSE 'no assignee: assigned to ' || c.unassigned || ' (options.assignment.unassigned)' END
FROM plan_tickets t CROSS JOIN t_context c WHERE t.assignee_id IS NULL;
