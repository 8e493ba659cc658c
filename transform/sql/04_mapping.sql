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
), mapped AS (
    -- The pipeline file's mapping.agents, by the agent's email or id: it wins over the match by
    -- email, and an entry without an admin sends the agent to the default admin.
    SELECT a.source_id, min(name_key(ma.admin_email)) AS admin_key, count(ma.source) > 0 AS in_mapping
    FROM agent_rows a LEFT JOIN transform_map_agents ma
        ON name_key(ma.source) = name_key(a.email) OR ma.source = a.source_id
    GROUP BY a.source_id
)
SELECT a.source_id, a.name, a.email,
    coalesce(x.id, CASE WHEN NOT mp.in_mapping THEN m.id END) IS NOT NULL AS matched,
    coalesce(x.id, CASE WHEN NOT mp.in_mapping THEN m.id END, c.default_admin_id) AS admin_id
FROM agent_rows a CROSS JOIN t_context c
JOIN mapped mp ON mp.source_id = a.source_id
LEFT JOIN t_admins_by_email m ON m.k = name_key(a.email)
LEFT JOIN t_admins_by_email x ON x.k = nullif(mp.admin_key, '');

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
), mapped AS (
    -- mapping.groups, by the group's name or id, wins over the match by name.
    SELECT g.source_id, min(name_key(mg.team)) AS team_key, count(mg.source) > 0 AS in_mapping
    FROM group_rows g LEFT JOIN transform_map_groups mg
        ON name_key(mg.source) = name_key(g.name) OR mg.source = g.source_id
    GROUP BY g.source_id
)
SELECT g.source_id, g.name,
    coalesce(x.id, CASE WHEN NOT mp.in_mapping THEN m.id END) IS NOT NULL AS matched,
    coalesce(x.id, CASE WHEN NOT mp.in_mapping THEN m.id END, c.default_team_id) AS team_id
FROM group_rows g CROSS JOIN t_context c
JOIN mapped mp ON mp.source_id = g.source_id
LEFT JOIN t_teams_by_name m ON m.k = name_key(g.name)
LEFT JOIN t_teams_by_name x ON x.k = nullif(mp.team_key, '');

INSERT INTO t_mapping SELECT 'agent', source_id, name, admin_id, matched FROM t_agent_map;
INSERT INTO t_mapping SELECT 'group', source_id, name, team_id, matched FROM t_group_map;

-- Agents without an admin: their replies and tickets go to the default admin (policy note).
INSERT INTO t_policy
SELECT 'agents', source_id, 'agent_unmatched',
    'no admin for ' || coalesce(nullif(email, ''), 'this agent (no email)') || ': records go to the default admin'
FROM t_agent_map WHERE NOT matched;
