-- Helpers, the resolved settings and the scratch tables every later file appends to.
-- Everything here is TEMP: it lives on the transform's connection and is dropped by 11_finish.sql.

-- setting(k): a value of transform_settings, written by Run before this file. Config values reach
-- the SQL only through this table, never pasted into the SQL text.
CREATE OR REPLACE TEMP MACRO setting(k) AS (SELECT value FROM transform_settings WHERE key = k);

-- id_key(id): sorts decimal ids numerically (Zendesk ids pass 2^53, so neither DOUBLE nor string
-- order will do): digits are left-padded to a fixed width; other ids sort after, as strings.
CREATE OR REPLACE TEMP MACRO id_key(id) AS
    CASE WHEN regexp_full_match(id, '[0-9]{1,38}') THEN lpad(id, 38, '0') ELSE '~' || id END;

-- name_key(s): how names are compared across systems (agents' emails, group and team names,
-- ticket type and attribute names): trimmed and case-insensitive.
CREATE OR REPLACE TEMP MACRO name_key(s) AS lower(trim(s));

-- unix_s(ts): Intercom takes timestamps as unix seconds.
CREATE OR REPLACE TEMP MACRO unix_s(ts) AS CAST(floor(epoch(ts)) AS BIGINT);

-- time_key(ts): a fixed-width text form of a timestamp that sorts like the timestamp (for sort keys
-- that mix timestamps and ids in one list).
CREATE OR REPLACE TEMP MACRO time_key(ts) AS coalesce(strftime(ts, '%Y-%m-%dT%H:%M:%S.%f'), '');

CREATE OR REPLACE TEMP MACRO html_escape(s) AS
    replace(replace(replace(replace(replace(s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');

-- payload(j): drops the keys whose value is null (RFC 7396 merge into {}), so optional fields the
-- contract marks with ? are absent rather than null. Key order is kept, so payloads are stable.
CREATE OR REPLACE TEMP MACRO payload(j) AS json_merge_patch('{}', j);

-- One row: the settings with the target directory's ids they resolve to.
CREATE OR REPLACE TEMP TABLE t_context AS
SELECT
    setting('ticket_mode') AS ticket_mode,
    setting('ticket_type') AS ticket_type_name,
    setting('ticket_type_category') AS ticket_type_category,
    setting('default_admin') AS default_admin_email,
    -- No configured default admin: the admin whose token runs the migration (GET /me).
    CASE WHEN coalesce(setting('default_admin'), '') = ''
        THEN (SELECT min_by(me_admin_id, id_key(me_admin_id)) FROM target_workspace)
        ELSE (SELECT min_by(id, id_key(id)) FROM target_admins
              WHERE name_key(email) = name_key(setting('default_admin')))
    END AS default_admin_id,
    setting('default_team') AS default_team_name,
    (SELECT min_by(id, id_key(id)) FROM target_teams
     WHERE coalesce(setting('default_team'), '') <> '' AND name_key(name) = name_key(setting('default_team'))
    ) AS default_team_id,
    -- Public source URLs go as attachment_urls; the others are downloaded by the load.
    NOT CAST(setting('attachments_public') AS BOOLEAN) AS attachments_download,
    CAST(setting('skip_notifications') AS BOOLEAN) AS skip_notifications,
    CAST(setting('batch_size') AS BIGINT) AS batch_size,
    from_json(setting('blocked_attachment_types'), '["VARCHAR"]') AS blocked_types,
    from_json(setting('allowed_attachment_types'), '["VARCHAR"]') AS allowed_types,
    -- Options and data policies (each outcome is a plan_notes row with a code).
    CAST(setting('skip_attachments') AS BOOLEAN) AS skip_attachments,
    CAST(setting('skip_inline_images') AS BOOLEAN) AS skip_inline_images,
    CAST(setting('max_attachment_bytes') AS BIGINT) AS max_attachment_bytes,
    nullif(setting('tag'), '') AS tag,
    setting('date_range_by') AS date_range_by,
    CAST(nullif(setting('date_from'), '') AS TIMESTAMP) AS date_from,
    CAST(nullif(setting('date_to'), '') AS TIMESTAMP) AS date_to,
    CAST(setting('keep_source_ids') AS BOOLEAN) AS keep_source_ids,
    CAST(setting('originally_by') AS BOOLEAN) AS originally_by,
    CAST(setting('validate_phones') AS BOOLEAN) AS validate_phones,
    setting('unassigned') AS unassigned,
    CASE WHEN starts_with(setting('unassigned'), 'team:') THEN
        (SELECT min_by(id, id_key(id)) FROM target_teams WHERE name_key(name) = name_key(setting('unassigned')[6:]))
    END AS unassigned_team_id,
    CASE WHEN starts_with(setting('unassigned'), 'admin:') THEN
        (SELECT min_by(id, id_key(id)) FROM target_admins WHERE name_key(email) = name_key(setting('unassigned')[7:]))
    END AS unassigned_admin_id;

-- Refuse to plan with defaults that do not exist in the target: every unmatched agent, tagging and
-- close would otherwise carry an admin the target rejects. error() aborts the transaction.
SELECT CASE
    WHEN default_admin_id IS NULL AND coalesce(default_admin_email, '') = '' THEN
        error('no default admin: set the default admin (an email) or read the target directory first (target_workspace.me_admin_id is empty)')
    WHEN default_admin_id IS NULL THEN
        error('default admin ' || default_admin_email || ' is not an admin of the target workspace (target_admins)')
    WHEN coalesce(default_team_name, '') <> '' AND default_team_id IS NULL THEN
        error('default team ' || default_team_name || ' is not a team of the target workspace (target_teams)')
    WHEN starts_with(unassigned, 'team:') AND unassigned_team_id IS NULL THEN
        error('options.assignment.unassigned: ' || unassigned || ': no team of that name in the target workspace (target_teams)')
    WHEN starts_with(unassigned, 'admin:') AND unassigned_admin_id IS NULL THEN
        error('options.assignment.unassigned: ' || unassigned || ': no admin with that email in the target workspace (target_admins)')
    END
FROM t_context;

-- What the transform decided not to migrate (becomes plan_skips) and what it changed on the way
-- that a report should tell (becomes transform_notes). Notes carry no ids in their text, so they
-- can be counted per kind of note.
CREATE OR REPLACE TEMP TABLE t_skips (entity TEXT, source_id TEXT, reason TEXT);
CREATE OR REPLACE TEMP TABLE t_notes (entity TEXT, source_id TEXT, note TEXT);
-- Every outcome of an option or a data policy, per record, with a stable code the preflight and
-- the report count by (becomes plan_notes; docs/load-plan.md lists the codes). A policy that
-- skips a record writes a t_skips row too.
CREATE OR REPLACE TEMP TABLE t_policy (entity TEXT, source_id TEXT, code TEXT, note TEXT);
-- How source agents, groups, statuses, the ticket type and fields map onto the target.
CREATE OR REPLACE TEMP TABLE t_mapping (kind TEXT, source_id TEXT, source_name TEXT, target_id TEXT, matched BOOLEAN);
