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

-- field_key(s): a custom field name as a Zendesk field key is written ("Account Tier" → account_tier).
CREATE OR REPLACE TEMP MACRO field_key(s) AS trim(regexp_replace(lower(trim(s)), '[^a-z0-9]+', '_', 'g'), '_');

-- scalar_text(v): a JSON value as text; a list as its items joined by commas, an object as JSON.
CREATE OR REPLACE TEMP MACRO scalar_text(v) AS CASE json_type(v)
    WHEN 'ARRAY' THEN array_to_string(list_transform(from_json(v, '["JSON"]'), x -> json_extract_string(x, '$')), ', ')
    WHEN 'OBJECT' THEN CAST(v AS VARCHAR)
    ELSE v ->> '$' END;

-- Custom fields of contacts and companies → user_fields and organization_fields. Zendesk keeps a
-- value only under the key of a field the account defines (target_data_attributes: user fields as
-- model contact, organization fields as company) and drops any other without a word, so a source
-- field goes where mapping.contact_fields / company_fields sends it, else to the field whose key
-- is its name; anything else is noted (field_no_target) and not sent.
CREATE OR REPLACE TEMP TABLE t_zd_field_sources AS
WITH given AS (
    SELECT 'contact' AS model, c.source_id, j.key AS source, j.value FROM contacts c, json_each(c.custom_fields) j
    WHERE j.type <> 'NULL' AND j.value::VARCHAR NOT IN ('""', '[]')
    UNION ALL
    SELECT 'company', c.source_id, j.key, j.value FROM companies c, json_each(c.custom_fields) j
    WHERE j.type <> 'NULL' AND j.value::VARCHAR NOT IN ('""', '[]')
), defaults AS (
    -- a mapped field with a default, for the records that leave it empty
    SELECT r.model, r.source_id, m.source, to_json(m.default_value) AS value
    FROM (SELECT 'contact' AS model, source_id FROM contacts UNION ALL SELECT 'company', source_id FROM companies) r
    JOIN transform_map_fields m ON m.model = r.model AND NOT m.skip AND nullif(m.default_value, '') IS NOT NULL
    WHERE NOT EXISTS (SELECT 1 FROM given g WHERE g.model = r.model AND g.source_id = r.source_id AND g.source = m.source)
)
SELECT x.model, x.source_id, x.source, x.value, x.defaulted,
    (SELECT min(d.name) FROM target_data_attributes d
     WHERE d.model = x.model AND field_key(d.name) = field_key(coalesce(nullif(m.attribute, ''), x.source))) AS field
FROM (SELECT *, false AS defaulted FROM given UNION ALL SELECT *, true FROM defaults) x
LEFT JOIN transform_map_fields m ON m.model = x.model AND m.source = x.source
WHERE NOT coalesce(m.skip, false);

-- Each value as its field's type takes it; NULL when it does not fit (a dropdown takes one of its
-- options, matched by value or by name).
CREATE OR REPLACE TEMP TABLE t_zd_field_values AS
SELECT f.model, f.source_id, f.source, f.field, f.defaulted,
    CASE d.data_type
        WHEN 'checkbox' THEN to_json(try_cast(f.value ->> '$' AS BOOLEAN))
        WHEN 'integer' THEN to_json(try_cast(f.value ->> '$' AS BIGINT))
        WHEN 'decimal' THEN to_json(try_cast(f.value ->> '$' AS DOUBLE))
        WHEN 'date' THEN to_json(strftime(CASE WHEN json_type(f.value) IN ('UBIGINT', 'BIGINT', 'DOUBLE')
                THEN to_timestamp(try_cast(f.value ->> '$' AS DOUBLE)) ELSE try_cast(f.value ->> '$' AS TIMESTAMP) END, '%Y-%m-%d'))
        WHEN 'dropdown' THEN to_json((SELECT min(o.value) FROM target_field_options o
            WHERE o.model = f.model AND o.field = f.field
              AND (o.value = scalar_text(f.value) OR name_key(o.name) = name_key(scalar_text(f.value)) OR name_key(o.value) = name_key(scalar_text(f.value)))))
        ELSE to_json(scalar_text(f.value)) END AS value
FROM t_zd_field_sources f
JOIN target_data_attributes d ON d.model = f.model AND d.name = f.field;

INSERT INTO t_policy
SELECT CASE model WHEN 'company' THEN 'companies' ELSE 'contacts' END, source_id, 'field_no_target',
    'field ' || source || ': the account has no ' || CASE model WHEN 'company' THEN 'organization' ELSE 'user' END
    || ' field with this key (add one, or map it in mapping.' || model || '_fields): not sent'
FROM t_zd_field_sources WHERE field IS NULL;

INSERT INTO t_policy
SELECT CASE model WHEN 'company' THEN 'companies' ELSE 'contacts' END, source_id, 'field_value_invalid',
    'field ' || source || ': value does not fit the ' || field || ' field''s type, not sent'
FROM t_zd_field_values WHERE value IS NULL OR value::VARCHAR = 'null';

INSERT INTO t_policy
SELECT CASE model WHEN 'company' THEN 'companies' ELSE 'contacts' END, source_id, 'field_default',
    'field ' || source || ' was empty: default from mapping.' || model || '_fields'
FROM t_zd_field_values WHERE defaulted AND value IS NOT NULL AND value::VARCHAR <> 'null';

-- The fields each user and organization sends, by key.
CREATE OR REPLACE TEMP TABLE t_zd_fields AS
SELECT model, source_id, to_json(map_from_entries(list({'k': field, 'v': value} ORDER BY field))) AS fields
FROM t_zd_field_values WHERE value IS NOT NULL AND value::VARCHAR <> 'null'
GROUP BY ALL;

-- Every company becomes an organization; external_id (the source id) is how a second run finds it.
CREATE OR REPLACE TABLE plan_organizations AS
SELECT 'organization:' || co.source_id AS op_id, co.source_id,
    coalesce(nullif(trim(co.name), ''), 'Organization ' || co.source_id) AS name,
    co.source_id AS external_id, iso(co.created_at) AS created_at,
    nonempty(list_sort(list_distinct(list_filter(co.domain_names, d -> coalesce(trim(d), '') <> '')))) AS domain_names,
    nullif(co.details, '') AS details, nullif(co.notes, '') AS notes, nonempty(zd_tags(co.tags)) AS tags,
    f.fields AS organization_fields
FROM companies co LEFT JOIN t_zd_fields f ON f.model = 'company' AND f.source_id = co.source_id
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
-- (named by their id). external_id is the source id: the loader's create_or_update key. Created
-- verified, so Zendesk sends no one an email to verify the address during a migration.
CREATE OR REPLACE TABLE plan_users AS
SELECT 'user:' || u.source_id AS op_id, u.source_id,
    coalesce(nullif(trim(u.name), ''), nullif(trim(u.email), ''), 'User ' || u.source_id) AS name,
    lower(nullif(trim(u.email), '')) AS email,
    CASE WHEN c.validate_phones THEN p.e164 ELSE nullif(trim(u.phone), '') END AS phone,
    'end-user' AS role, true AS verified, u.source_id AS external_id, o.op_id AS organization_ref,
    iso(u.created_at) AS created_at, nonempty(zd_tags(ct.tags)) AS tags, f.fields AS user_fields, u.origin
FROM t_users u CROSS JOIN t_context c
LEFT JOIN t_zd_fields f ON f.model = 'contact' AND f.source_id = u.source_id
LEFT JOIN t_zd_phones p ON p.source_id = u.source_id
LEFT JOIN plan_organizations o ON o.source_id = u.organization_id
LEFT JOIN contacts ct ON ct.source_id = u.source_id
WHERE u.origin <> 'agent'
ORDER BY id_key(u.source_id);

INSERT INTO t_notes
SELECT 'contacts', u.source_id, 'organization not in staging: user has no organization'
FROM t_users u WHERE u.organization_id IS NOT NULL AND u.origin <> 'agent'
  AND NOT EXISTS (SELECT 1 FROM plan_organizations o WHERE o.source_id = u.organization_id);
