-- Companies, contacts and which company each contact belongs to.

-- Every organization becomes a company; company_id (immutable in Intercom) is the source id, so a
-- second run upserts the same company.
CREATE OR REPLACE TABLE plan_companies AS
SELECT 'company:' || source_id AS op_id, source_id, source_id AS company_id, name,
    unix_s(created_at) AS remote_created_at
FROM companies
ORDER BY id_key(source_id);

-- Contacts keep the source id as external_id (the loader's idempotency key). Emails are compared
-- case-insensitively by Intercom and by people, so they are lower-cased; phones go as given until
-- phone normalisation exists.
CREATE OR REPLACE TABLE plan_contacts AS
SELECT 'contact:' || source_id AS op_id, source_id, 'user' AS role, source_id AS external_id,
    lower(nullif(trim(email), '')) AS email, phone, name, unix_s(created_at) AS signed_up_at,
    organization_id, origin
FROM t_users
ORDER BY id_key(source_id);

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
