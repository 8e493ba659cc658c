-- Zendesk target: organizations and users. Runs after the shared 01_context.sql … 04_mapping.sql
-- (settings, migrated tickets, who is an agent, agents → Zendesk agents and groups → groups).

-- iso(ts): Zendesk takes timestamps as ISO-8601 UTC strings.
CREATE OR REPLACE TEMP MACRO iso(ts) AS strftime(ts, '%Y-%m-%dT%H:%M:%SZ');

-- zd_tags(list): Zendesk tags are lower-case words (a space separates two tags), so each source
-- tag becomes one tag with its blanks as underscores; sorted and unique, so payloads are stable.
CREATE OR REPLACE TEMP MACRO zd_tags(tags) AS
    list_sort(list_distinct(list_filter(
        list_transform(coalesce(tags, []::TEXT[]), x -> regexp_replace(lower(trim(x)), '\s+', '_', 'g')),
        x -> x <> '')));

-- nonempty(list): NULL for an empty list, so payload() leaves the key out.
CREATE OR REPLACE TEMP MACRO nonempty(l) AS CASE WHEN len(l) > 0 THEN l END;

-- Every company becomes an organization; external_id (the source id) is how a second run finds it.
CREATE OR REPLACE TABLE plan_organizations AS
SELECT 'organization:' || co.source_id AS op_id, co.source_id,
    coalesce(nullif(trim(co.name), ''), 'Organization ' || co.source_id) AS name,
    co.source_id AS external_id, iso(co.created_at) AS created_at,
    nonempty(list_sort(list_distinct(list_filter(co.domain_names, d -> coalesce(trim(d), '') <> '')))) AS domain_names,
    nullif(co.details, '') AS details, nullif(co.notes, '') AS notes, nonempty(zd_tags(co.tags)) AS tags
FROM companies co
ORDER BY id_key(co.source_id);

INSERT INTO t_notes
SELECT 'organizations', source_id, 'company without a name: named by its id' FROM companies
WHERE coalesce(trim(name), '') = '';

-- An agent who requested a ticket stays the Zendesk agent it maps to: create_or_update by email
-- would otherwise turn that agent into an end user.
INSERT INTO t_notes
SELECT 'tickets', t.source_id, 'requested by an agent: the requester is the agent''s Zendesk user'
FROM t_tickets t WHERE t.requester_id IN (SELECT source_id FROM t_agent_ids);

-- Phones: libphonenumber's verdict (transform_phones). A valid number goes in E.164; Zendesk
-- rejects an invalid one, so it is left out and counted.
CREATE OR REPLACE TEMP TABLE t_zd_phones AS
SELECT u.source_id, u.phone AS raw, p.e164, p.code, p.reason
FROM t_users u CROSS JOIN t_context c JOIN transform_phones p ON p.raw = u.phone
WHERE c.validate_phones AND u.origin <> 'agent';

INSERT INTO t_policy
SELECT 'contacts', source_id, code,
    CASE code WHEN 'phone_invalid' THEN reason || ': left out of the user' ELSE reason END
FROM t_zd_phones WHERE code IS NOT NULL;

-- End users: every contact, and the requesters and comment authors the staging does not know
-- (named by their id). external_id is the source id: the loader's create_or_update key.
CREATE OR REPLACE TABLE plan_users AS
SELECT 'user:' || u.source_id AS op_id, u.source_id,
    coalesce(nullif(trim(u.name), ''), nullif(trim(u.email), ''), 'User ' || u.source_id) AS name,
    lower(nullif(trim(u.email), '')) AS email,
    CASE WHEN c.validate_phones THEN p.e164 ELSE nullif(trim(u.phone), '') END AS phone,
    'end-user' AS role, u.source_id AS external_id, o.op_id AS organization_ref,
    iso(u.created_at) AS created_at, nonempty(zd_tags(ct.tags)) AS tags, u.origin
FROM t_users u CROSS JOIN t_context c
LEFT JOIN t_zd_phones p ON p.source_id = u.source_id
LEFT JOIN plan_organizations o ON o.source_id = u.organization_id
LEFT JOIN contacts ct ON ct.source_id = u.source_id
WHERE u.origin <> 'agent'
ORDER BY id_key(u.source_id);

INSERT INTO t_notes
SELECT 'contacts', u.source_id, 'organization not in staging: user has no organization'
FROM t_users u WHERE u.organization_id IS NOT NULL AND u.origin <> 'agent'
  AND NOT EXISTS (SELECT 1 FROM plan_organizations o WHERE o.source_id = u.organization_id);
