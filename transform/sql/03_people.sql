-- Who is an agent (→ a target admin) and who becomes an Intercom contact.

-- Everyone the source knows, with whether they are an agent. Zendesk users arrive as contacts
-- (end users) or agents (agents and admins); a source may also put agents among contacts with an
-- agent role, so both count.
CREATE OR REPLACE TEMP TABLE t_persons AS
SELECT source_id, name, email, phone, organization_id, created_at,
    coalesce(role IN ('agent', 'admin'), false) OR source_id IN (SELECT source_id FROM agents) AS is_agent
FROM contacts
UNION ALL
SELECT source_id, name, email, NULL, NULL, created_at, true
FROM agents a WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.source_id = a.source_id);

CREATE OR REPLACE TEMP TABLE t_agent_ids AS SELECT source_id FROM t_persons WHERE is_agent;

-- Contacts to create: every end user (suspended ones too: their history is still the customer's);
-- agents who requested a ticket, since an Intercom ticket needs a contact; and requesters or
-- comment authors the staging does not know (users deleted at the source), from their id alone.
CREATE OR REPLACE TEMP TABLE t_needed_users AS
SELECT requester_id AS id FROM t_tickets
UNION
SELECT c.author_id FROM t_comments c
WHERE c.author_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM t_agent_ids a WHERE a.source_id = c.author_id);

CREATE OR REPLACE TEMP TABLE t_users AS
SELECT source_id, name, email, phone, organization_id, created_at,
    CASE WHEN is_agent THEN 'agent' ELSE 'user' END AS origin
FROM t_persons
WHERE NOT is_agent OR source_id IN (SELECT requester_id FROM t_tickets)
UNION ALL
SELECT id, NULL, NULL, NULL, NULL, NULL, 'unknown'
FROM t_needed_users n WHERE NOT EXISTS (SELECT 1 FROM t_persons p WHERE p.source_id = n.id);

INSERT INTO t_notes
SELECT 'contacts', source_id,
    CASE origin
        WHEN 'agent' THEN 'agent who requested a ticket: also created as a contact'
        ELSE 'user not in staging (deleted at the source?): contact created from its id only'
    END
FROM t_users WHERE origin <> 'user';
