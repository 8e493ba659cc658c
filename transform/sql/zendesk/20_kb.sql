-- Zendesk target: the knowledge base. Guide holds category > section (sections nest) > article,
-- so the source's sections keep their nesting (parent_section_ref). What has no full path is
-- placed by kb_hierarchy, as for Intercom:
--   keep            a sectionless article gets a section made in its own category (named after the
--                   category unless kb_category_section names it); one with no category goes to the
--                   default category and section.
--   default_folder  every article not in a category > section path goes to the default pair.

CREATE OR REPLACE TEMP TABLE t_kb_ctx AS
SELECT setting('kb_hierarchy') AS hierarchy, CAST(setting('kb_translations') AS BOOLEAN) AS translations,
    setting('kb_default_category') AS default_category, setting('kb_default_section') AS default_section,
    nullif(trim(coalesce(setting('kb_category_section'), '')), '') AS category_section,
    c.default_admin_id
FROM t_context c;

SELECT CASE WHEN hierarchy NOT IN ('keep', 'default_folder') THEN
    error('kb hierarchy ' || hierarchy || ': must be keep or default_folder') END
FROM t_kb_ctx;

-- zd_locale(l): Guide locales are lower-case with a hyphen (en-us); no locale means en-us.
CREATE OR REPLACE TEMP MACRO zd_locale(l) AS coalesce(nullif(replace(lower(trim(l)), '_', '-'), ''), 'en-us');

-- Sections reachable from a top-level one (a missing parent counts as top-level; a cycle is never
-- reached), with their category and depth.
CREATE OR REPLACE TEMP TABLE t_kb_tree AS
WITH RECURSIVE tree AS (
    SELECT s.source_id, s.category_id, NULL::TEXT AS parent_id, 1 AS depth, [s.name] AS names, [s.source_id] AS ids
    FROM kb_sections s
    WHERE s.parent_section_id IS NULL OR NOT EXISTS (SELECT 1 FROM kb_sections p WHERE p.source_id = s.parent_section_id)
    UNION ALL
    SELECT s.source_id, coalesce(s.category_id, t.category_id), t.source_id, t.depth + 1,
        list_append(t.names, s.name), list_append(t.ids, s.source_id)
    FROM kb_sections s JOIN tree t ON s.parent_section_id = t.source_id
    WHERE NOT list_contains(t.ids, s.source_id) AND t.depth < 100
)
SELECT t.*, c.name AS category_name FROM tree t JOIN kb_categories c ON c.source_id = t.category_id;

CREATE OR REPLACE TEMP TABLE t_kb_place AS
WITH src AS (
    SELECT a.source_id, a.title, s.source_id AS section_id, s.names,
        coalesce(s.category_id, c.source_id) AS category_id, coalesce(s.category_name, c.name) AS category_name
    FROM kb_articles a
    LEFT JOIN t_kb_tree s ON s.source_id = a.section_id
    LEFT JOIN kb_categories c ON c.source_id = a.category_id AND s.source_id IS NULL
)
SELECT src.*,
    CASE WHEN category_id IS NOT NULL AND section_id IS NOT NULL THEN 'kb_section:' || section_id
        WHEN category_id IS NOT NULL AND x.hierarchy = 'keep' THEN 'kb_section:cs:' || category_id
        ELSE 'kb_section:default' END AS section_ref,
    coalesce(category_name, '(no category)') || ' > ' ||
        CASE WHEN section_id IS NULL THEN '(no section)' ELSE array_to_string(names, ' > ') END AS old_path,
    CASE WHEN category_id IS NOT NULL AND section_id IS NOT NULL THEN category_name || ' > ' || array_to_string(names, ' > ')
        WHEN category_id IS NOT NULL AND x.hierarchy = 'keep' THEN category_name || ' > ' || coalesce(x.category_section, category_name)
        ELSE x.default_category || ' > ' || x.default_section END AS new_path,
    CASE WHEN category_id IS NULL THEN 'no category: default category and section'
        WHEN section_id IS NULL AND x.hierarchy = 'keep' THEN 'no section: a section made in its category'
        WHEN section_id IS NULL THEN 'not in a full category > section path: default category and section' END AS reason
FROM src CROSS JOIN t_kb_ctx x;

CREATE OR REPLACE TABLE plan_kb_moves AS
SELECT source_id AS article_id, title, old_path, new_path, reason FROM t_kb_place WHERE reason IS NOT NULL
ORDER BY id_key(source_id), source_id;

-- Categories and sections to create, with the default pair and the sections made for
-- sectionless articles when some article needs them.
CREATE OR REPLACE TABLE plan_kb_containers AS
SELECT 'kb_category:' || c.source_id AS op_id, 'kb_categories' AS entity, c.source_id, 'category' AS source_kind,
    NULL::TEXT AS category_ref, NULL::TEXT AS parent_section_ref, 0 AS depth, c.name, nullif(c.description, '') AS description,
    zd_locale(c.locale) AS locale, c.position
FROM kb_categories c
UNION ALL
SELECT 'kb_section:' || t.source_id, 'kb_sections', t.source_id, 'section', 'kb_category:' || t.category_id,
    CASE WHEN t.parent_id IS NOT NULL THEN 'kb_section:' || t.parent_id END, t.depth, s.name, nullif(s.description, ''),
    zd_locale(s.locale), s.position
FROM t_kb_tree t JOIN kb_sections s USING (source_id)
UNION ALL
SELECT DISTINCT 'kb_section:cs:' || p.category_id, 'kb_sections', 'category:' || p.category_id, 'category_section',
    'kb_category:' || p.category_id, NULL, 1, coalesce(x.category_section, c.name), NULL, zd_locale(c.locale), 0
FROM t_kb_place p JOIN kb_categories c ON c.source_id = p.category_id CROSS JOIN t_kb_ctx x
WHERE p.section_ref = 'kb_section:cs:' || p.category_id
UNION ALL
SELECT 'kb_category:default', 'kb_categories', 'default', 'default_category', NULL, NULL, 0, x.default_category, NULL, 'en-us', 1000000
FROM t_kb_ctx x WHERE EXISTS (SELECT 1 FROM t_kb_place WHERE section_ref = 'kb_section:default')
UNION ALL
SELECT 'kb_section:default', 'kb_sections', 'default', 'default_section', 'kb_category:default', NULL, 1, x.default_section, NULL, 'en-us', 0
FROM t_kb_ctx x WHERE EXISTS (SELECT 1 FROM t_kb_place WHERE section_ref = 'kb_section:default');

INSERT INTO t_skips
SELECT 'kb_sections', s.source_id, 'section outside any category (or in a cycle): not migrated, its articles are placed by kb.hierarchy'
FROM kb_sections s WHERE NOT EXISTS (SELECT 1 FROM t_kb_tree t WHERE t.source_id = s.source_id);

-- Articles: the author is the Zendesk agent the tickets' mapping chose, else the default agent.
CREATE OR REPLACE TABLE plan_kb_articles AS
SELECT 'kb_article:' || a.source_id AS op_id, a.source_id, p.section_ref, coalesce(am.admin_id, x.default_admin_id) AS author_id,
    a.title, coalesce(a.body_html, '') AS body, zd_locale(a.source_locale) AS locale,
    coalesce(a.state, 'published') <> 'published' AS draft, a.position,
    nonempty(list_sort(list_distinct(a.labels))) AS label_names, p.new_path AS path
FROM kb_articles a JOIN t_kb_place p USING (source_id) CROSS JOIN t_kb_ctx x
LEFT JOIN t_agent_map am ON am.source_id = a.author_id
ORDER BY id_key(a.source_id), a.source_id;

-- Article translations other than the article's own locale; a translation is tied to its article
-- by the source's relation (parent_type, parent_id). Nothing is dropped silently.
CREATE OR REPLACE TEMP TABLE t_kb_tr AS
SELECT t.source_id, t.parent_type, t.parent_id, zd_locale(t.locale) AS locale, t.title, t.body_html, t.state,
    CASE
        WHEN t.parent_type <> 'article' THEN 'container'
        WHEN a.source_id IS NULL THEN 'orphan'
        WHEN zd_locale(t.locale) = a.locale THEN 'source'
        WHEN NOT x.translations THEN 'off'
        WHEN row_number() OVER (PARTITION BY t.parent_id, zd_locale(t.locale) ORDER BY id_key(t.source_id), t.source_id) > 1 THEN 'duplicate'
        ELSE 'migrate'
    END AS fate
FROM kb_translations t CROSS JOIN t_kb_ctx x
LEFT JOIN plan_kb_articles a ON t.parent_type = 'article' AND a.source_id = t.parent_id;

INSERT INTO t_skips
SELECT 'kb_translations', source_id, CASE fate
    WHEN 'container' THEN 'translation of a ' || parent_type || ': Zendesk category and section names are not migrated per locale'
    WHEN 'orphan' THEN 'its article is not in staging'
    WHEN 'off' THEN 'translations not migrated (kb.translations is off)'
    ELSE 'another translation has the same Zendesk locale' END
FROM t_kb_tr WHERE fate IN ('container', 'orphan', 'off', 'duplicate');

CREATE OR REPLACE TABLE plan_kb_translations AS
SELECT 'kb_translation:' || source_id AS op_id, source_id, 'kb_article:' || parent_id AS article_ref,
    locale, coalesce(title, '') AS title, coalesce(body_html, '') AS body, coalesce(state, 'published') <> 'published' AS draft
FROM t_kb_tr WHERE fate = 'migrate'
ORDER BY id_key(parent_id), locale, source_id;

INSERT INTO t_policy SELECT 'kb_articles', article_id, 'kb_moved', reason FROM plan_kb_moves;
INSERT INTO t_notes SELECT 'kb_articles', article_id, 'knowledge base: ' || reason FROM plan_kb_moves;

-- Stage 10 categories, 11 sections (a category's sections are one chain, parents first), 12
-- articles, 13 translations.
CREATE OR REPLACE TEMP TABLE t_kb_ops AS
SELECT op_id, 10 AS stage, 'kb_category' AS kind, entity, source_id, '' AS chain,
    json_object('category', payload(json_object('name', name, 'description', description, 'locale', locale, 'position', position))) AS payload,
    []::TEXT[] AS refs, [lpad(CAST(position AS TEXT), 12, '0'), id_key(source_id)] AS ord
FROM plan_kb_containers WHERE source_kind IN ('category', 'default_category')
UNION ALL
SELECT op_id, 11, 'kb_section', entity, source_id, category_ref,
    payload(json_object('category_ref', category_ref, 'parent_section_ref', parent_section_ref,
        'section', payload(json_object('name', name, 'description', description, 'locale', locale, 'position', position)))),
    list_filter([category_ref, parent_section_ref], r -> r IS NOT NULL),
    [category_ref, lpad(CAST(depth AS TEXT), 4, '0'), lpad(CAST(position AS TEXT), 12, '0'), id_key(source_id)]
FROM plan_kb_containers WHERE source_kind NOT IN ('category', 'default_category')
UNION ALL
SELECT op_id, 12, 'kb_article', 'kb_articles', source_id, '',
    payload(json_object('section_ref', section_ref, 'author_id', TRY_CAST(author_id AS BIGINT),
        'article', payload(json_object('title', title, 'body', body, 'locale', locale, 'draft', draft,
            'position', position, 'label_names', label_names)))),
    [section_ref], [id_key(source_id)]
FROM plan_kb_articles
UNION ALL
SELECT op_id, 13, 'kb_translation', 'kb_translations', source_id, '',
    json_object('article_ref', article_ref, 'translation', json_object('locale', locale, 'title', title, 'body', body, 'draft', draft)),
    [article_ref], [id_key(source_id)]
FROM plan_kb_translations;

-- Numbered after the tickets' ops. A category's sections form one chain, so a batch takes a chain
-- whole (it may then hold a few more than batch_size ops).
INSERT INTO plan_ops
WITH base AS (SELECT coalesce(max(seq), 0) AS last FROM plan_ops),
numbered AS (
    SELECT o.*, b.last + row_number() OVER (ORDER BY stage, kind, ord, op_id) AS seq FROM t_kb_ops o CROSS JOIN base b
), positioned AS (
    SELECT *, row_number() OVER (PARTITION BY stage, kind ORDER BY seq) - 1 AS pos FROM numbered
), chained AS (
    SELECT *, CASE WHEN chain = '' THEN pos ELSE min(pos) OVER (PARTITION BY stage, kind, chain) END AS chain_pos FROM positioned
)
SELECT op_id, seq, stage, kind, entity, source_id,
    printf('%d-%s-%05d', stage, kind, dense_rank() OVER (PARTITION BY stage, kind ORDER BY chain_pos // c.batch_size)),
    chain, list_sort(refs), payload
FROM chained CROSS JOIN t_context c
ORDER BY seq;
