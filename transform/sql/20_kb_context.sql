-- The knowledge base: settings, locales and authors. These files run after 11_finish.sql has
-- written the tickets' plan: they append their ops to plan_ops (after its last seq) and write
-- their own plan_kb_* tables. Scratch tables are TEMP t_kb_* and go in 29_kb_finish.sql.

CREATE OR REPLACE TEMP TABLE t_kb_ctx AS
SELECT
    setting('kb_hierarchy') AS hierarchy,
    CAST(setting('kb_translations') AS BOOLEAN) AS translations,
    setting('kb_default_category') AS default_category,
    setting('kb_default_section') AS default_section,
    nullif(trim(coalesce(setting('kb_category_section'), '')), '') AS category_section,
    CAST(setting('batch_size') AS BIGINT) AS batch_size,
    -- The default admin as 01_context.sql resolves it (t_context is gone by now).
    CASE WHEN coalesce(setting('default_admin'), '') = ''
        THEN (SELECT min_by(me_admin_id, id_key(me_admin_id)) FROM target_workspace)
        ELSE (SELECT min_by(id, id_key(id)) FROM target_admins WHERE name_key(email) = name_key(setting('default_admin')))
    END AS default_admin_id;

SELECT CASE WHEN hierarchy NOT IN ('keep', 'default_folder') THEN
    error('kb hierarchy ' || hierarchy || ': must be keep or default_folder') END
FROM t_kb_ctx;

-- The locales an Intercom Help Center supports (intercom-api.md, the 2.15 description).
CREATE OR REPLACE TEMP TABLE t_kb_target_locales AS
SELECT unnest(['ar', 'bg', 'bs', 'ca', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'he', 'hr',
    'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'mn', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sl', 'sr', 'sv',
    'tr', 'vi', 'pt-BR', 'zh-CN', 'zh-TW']) AS locale;

-- Every source locale with the target locale it becomes: the same code (any case, _ or -), else
-- its language alone (en-us → en); NULL when Intercom has neither.
CREATE OR REPLACE TEMP TABLE t_kb_locales AS
WITH src AS (
    SELECT DISTINCT locale AS source FROM kb_translations WHERE locale IS NOT NULL
    UNION SELECT DISTINCT source_locale FROM kb_articles WHERE source_locale IS NOT NULL
), norm AS (
    SELECT source, replace(lower(source), '_', '-') AS code FROM src
)
SELECT n.source,
    coalesce(
        (SELECT min(t.locale) FROM t_kb_target_locales t WHERE lower(t.locale) = n.code),
        (SELECT min(t.locale) FROM t_kb_target_locales t WHERE lower(t.locale) = split_part(n.code, '-', 1))
    ) AS target
FROM norm n;

-- Authors: an agent becomes the admin the tickets' mapping chose for them (transform_mapping:
-- the pipeline's mapping section, else the same email), else the admin with their email, else the
-- default admin. Intercom wants author_id as an integer: an admin id that is not one fails the op
-- with a message saying so.
CREATE OR REPLACE TEMP TABLE t_kb_authors AS
SELECT a.source_id,
    coalesce(
        (SELECT min_by(m.target_id, id_key(m.target_id)) FROM t_mapping m
         WHERE m.kind = 'agent' AND m.source_id = a.source_id AND m.target_id IS NOT NULL),
        (SELECT min_by(t.id, id_key(t.id)) FROM target_admins t WHERE name_key(t.email) = name_key(a.email)),
        (SELECT default_admin_id FROM t_kb_ctx)) AS admin_id,
    EXISTS (SELECT 1 FROM target_admins t WHERE name_key(t.email) = name_key(a.email)) AS matched
FROM agents a;
