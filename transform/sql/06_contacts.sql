-- Companies, contacts and which company each contact belongs to, with their custom attributes
-- (mapping.contact_fields and mapping.company_fields) and the phone policy.

-- A custom field value as an Intercom custom attribute takes it: scalars as given, a list as one
-- comma-separated string, an object as its JSON text.
CREATE OR REPLACE TEMP MACRO attribute_value(v) AS CASE json_type(v)
    WHEN 'ARRAY' THEN to_json(array_to_string(list_transform(from_json(v, '["JSON"]'), x -> json_extract_string(x, '$')), ', '))
    WHEN 'OBJECT' THEN to_json(CAST(v AS VARCHAR))
    ELSE v END;

-- A value as the attribute's data type wants it (Intercom refuses a number for a string
-- attribute); NULL when it does not convert.
CREATE OR REPLACE TEMP MACRO typed_value(v, t) AS CASE t
    WHEN 'integer' THEN to_json(try_cast(v ->> '$' AS BIGINT))
    WHEN 'float' THEN to_json(try_cast(v ->> '$' AS DOUBLE))
    WHEN 'boolean' THEN to_json(try_cast(v ->> '$' AS BOOLEAN))
    WHEN 'date' THEN to_json(unix_s(try_cast(v ->> '$' AS TIMESTAMP)))
    WHEN 'datetime' THEN to_json(unix_s(try_cast(v ->> '$' AS TIMESTAMP)))
    ELSE to_json(v ->> '$') END;

-- Mapped custom field values of contacts and companies, by attribute name, in the attribute's
-- type (the mapping's, else the workspace's, else string); defaults fill the fields a record
-- leaves empty.
CREATE OR REPLACE TEMP TABLE t_custom_values AS
WITH given AS (
    SELECT 'contact' AS model, c.source_id, j.key, j.value FROM contacts c, json_each(c.custom_fields) j
    WHERE j.type <> 'NULL' AND j.value::VARCHAR NOT IN ('""', '[]')
    UNION ALL
    SELECT 'company', c.source_id, j.key, j.value FROM companies c, json_each(c.custom_fields) j
    WHERE j.type <> 'NULL' AND j.value::VARCHAR NOT IN ('""', '[]')
), records AS (
    SELECT 'contact' AS model, source_id FROM t_users UNION ALL SELECT 'company', source_id FROM companies
)
SELECT r.model, r.source_id, m.attribute,
    typed_value(coalesce(attribute_value(g.value), CASE WHEN nullif(m.default_value, '') IS NOT NULL THEN to_json(m.default_value) END),
        coalesce(nullif(m.data_type, ''),
                 (SELECT min(d.data_type) FROM target_data_attributes d WHERE d.model = r.model AND name_key(d.name) = name_key(m.attribute)),
                 'string')) AS value,
    g.value IS NULL AS defaulted
FROM records r JOIN transform_map_fields m ON m.model = r.model AND NOT m.skip
LEFT JOIN given g ON g.model = r.model AND g.source_id = r.source_id AND g.key = m.source
WHERE g.value IS NOT NULL OR nullif(m.default_value, '') IS NOT NULL;

INSERT INTO t_policy
SELECT CASE model WHEN 'company' THEN 'companies' ELSE 'contacts' END, source_id, 'field_value_invalid',
    'field ' || attribute || ': value not valid for the attribute''s type, not migrated'
FROM t_custom_values WHERE value IS NULL OR value::VARCHAR = 'null';
DELETE FROM t_custom_values WHERE value IS NULL OR value::VARCHAR = 'null';

INSERT INTO t_policy
SELECT CASE model WHEN 'company' THEN 'companies' ELSE 'contacts' END, source_id, 'field_default',
    'field ' || attribute || ' was empty: default from mapping.' || model || '_fields'
FROM t_custom_values WHERE defaulted;

-- Phones: libphonenumber's verdict (transform_phones, computed in Go). A valid number goes in
-- E.164; an invalid one is left out of the contact, which a workspace with phone validation would
-- refuse whole, and kept in the source_phone custom attribute.
CREATE OR REPLACE TEMP TABLE t_contact_phones AS
SELECT u.source_id, u.phone AS raw, p.e164, p.code, p.reason
FROM t_users u CROSS JOIN t_context c JOIN transform_phones p ON p.raw = u.phone
WHERE c.validate_phones;

INSERT INTO t_policy
SELECT 'contacts', source_id, code,
    CASE code WHEN 'phone_invalid' THEN reason || ': left out of the contact, kept in source_phone' ELSE reason END
FROM t_contact_phones WHERE code IS NOT NULL;

-- The custom attributes each contact and company sends, in name order.
CREATE OR REPLACE TEMP TABLE t_custom_attributes AS
SELECT model, source_id, to_json(map_from_entries(list({'k': attribute, 'v': value} ORDER BY attribute))) AS attrs
FROM (
    SELECT model, source_id, attribute, value FROM t_custom_values
    UNION ALL
    SELECT 'contact', source_id, 'source_phone', to_json(raw) FROM t_contact_phones WHERE code = 'phone_invalid'
)
GROUP BY ALL;

-- Data attributes the workspace lacks: source_phone when a phone needs it, and the mapped fields
-- with create: true. Intercom data attribute names are unique whatever their case.
CREATE OR REPLACE TABLE plan_data_attributes AS
WITH wanted AS (
    SELECT 'contact' AS model, 'source_phone' AS name, 'string' AS data_type,
        'Phone as the source had it, not a valid number (imported by deskport)' AS description
    WHERE EXISTS (SELECT 1 FROM t_contact_phones WHERE code = 'phone_invalid')
    UNION
    SELECT model, attribute, coalesce(nullif(data_type, ''), 'string'), 'Imported by deskport (source field ' || source || ')'
    FROM transform_map_fields WHERE model IN ('contact', 'company') AND create_attribute AND NOT skip
)
SELECT 'data_attribute:' || model || ':' || name AS op_id, model || ':' || name AS source_id, model, name, data_type, description
FROM wanted w
WHERE NOT EXISTS (SELECT 1 FROM target_data_attributes d WHERE d.model = w.model AND name_key(d.name) = name_key(w.name))
ORDER BY op_id;

-- Every organization becomes a company; company_id (immutable in Intercom) is the source id, so a
-- second run upserts the same company.
CREATE OR REPLACE TABLE plan_companies AS
SELECT 'company:' || co.source_id AS op_id, co.source_id, co.source_id AS company_id, co.name,
    unix_s(co.created_at) AS remote_created_at, coalesce(a.attrs, '{}') AS custom_attributes
FROM companies co LEFT JOIN t_custom_attributes a ON a.model = 'company' AND a.source_id = co.source_id
ORDER BY id_key(co.source_id);

-- Contacts keep the source id as external_id (the loader's idempotency key). Emails are compared
-- case-insensitively by Intercom and by people, so they are lower-cased; phones go in E.164, or as
-- given when phone validation is off.
CREATE OR REPLACE TABLE plan_contacts AS
SELECT 'contact:' || u.source_id AS op_id, u.source_id, 'user' AS role, u.source_id AS external_id,
    lower(nullif(trim(u.email), '')) AS email,
    CASE WHEN c.validate_phones THEN p.e164 ELSE nullif(trim(u.phone), '') END AS phone,
    u.name, unix_s(u.created_at) AS signed_up_at,
    u.organization_id, u.origin, coalesce(a.attrs, '{}') AS custom_attributes
FROM t_users u CROSS JOIN t_context c
LEFT JOIN t_contact_phones p ON p.source_id = u.source_id
LEFT JOIN t_custom_attributes a ON a.model = 'contact' AND a.source_id = u.source_id
ORDER BY id_key(u.source_id);

-- A company shows in Intercom only once a contact is attached to it.
CREATE OR REPLACE TABLE plan_contact_companies AS
SELECT 'contact_company:' || c.source_id || ':' || c.organization_id AS op_id,
    c.source_id || ':' || c.organization_id AS source_id,
    c.source_id AS contact_id, c.organization_id AS company_id, c.op_id AS contact_ref, co.op_id AS company_ref
FROM plan_contacts c JOIN plan_companies co ON co.source_id = c.organization_id
ORDER BY id_key(contact_id), id_key(company_id);

INSERT INTO t_skips
SELECT 'company_memberships', c.source_id || ':' || c.organization_id, 'organization not in staging'
FROM plan_contacts c
WHERE c.organization_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_companies co WHERE co.source_id = c.organization_id);
