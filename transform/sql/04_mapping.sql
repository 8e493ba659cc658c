-- Agents → admins and groups → teams. Intercom cannot create either, so both map onto what the
-- target already has; what does not match falls back to the configured defaults and is counted.

-- Admins by email, case-insensitive. Two admins with one email: the lowest id, so it is stable.
CREATE OR REPLACE TEMP TABLE t_admins_by_email AS
SELECT name_key(email) AS k, min_by(id, id_key(id)) AS id
FROM target_admins WHERE coalesce(email, '') <> '' GROUP BY 1;

-- Every agent, plus assignees the staging does not know as agents (deleted or demoted at the
-- source): they were agents, and their tickets need an assignee too.
CREATE OR REPLACE TEMP TABLE t_agent_map AS
WITH agent_rows AS (
    SELECT source_id, name, email FROM t_persons WHERE is_agent
    UNION ALL
    SELECT DISTINCT t.assignee_id, p.name, p.email
    FROM t_tickets t LEFT JOIN t_persons p ON p.source_id = t.assignee_id
    WHERE t.assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM t_agent_ids a WHERE a.source_id = t.assignee_id)
)
SELECT a.source_id, a.name, m.id IS NOT NULL AS matched, coalesce(m.id, c.default_admin_id) AS admin_id
FROM agent_rows a CROSS JOIN t_context c
LEFT JOIN t_admins_by_email m ON m.k = name_key(a.email);

-- Teams by name, trimmed and case-insensitive.
CREATE OR REPLACE TEMP TABLE t_teams_by_name AS
SELECT name_key(name) AS k, min_by(id, id_key(id)) AS id
FROM target_teams WHERE coalesce(trim(name), '') <> '' GROUP BY 1;

-- Every group, plus groups tickets name that are not staged (deleted at the source).
CREATE OR REPLACE TEMP TABLE t_group_map AS
WITH group_rows AS (
    SELECT source_id, name FROM groups
    UNION ALL
    SELECT DISTINCT t.group_id, NULL FROM t_tickets t
    WHERE t.group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM groups g WHERE g.source_id = t.group_id)
)
SELECT g.source_id, g.name, m.id IS NOT NULL AS matched, coalesce(m.id, c.default_team_id) AS team_id
FROM group_rows g CROSS JOIN t_context c
LEFT JOIN t_teams_by_name m ON m.k = name_key(g.name);

INSERT INTO t_mapping SELECT 'agent', source_id, name, admin_id, matched FROM t_agent_map;
INSERT INTO t_mapping SELECT 'group', source_id, name, team_id, matched FROM t_group_map;
