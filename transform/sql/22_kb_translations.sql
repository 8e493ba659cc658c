-- Translations: each record's source locale is its main content; every other locale Intercom
-- supports goes into translated_content when kb_translations is on. A translation is tied to its
-- record by the source's own relation (parent_type, parent_id), never by sharing an id. Nothing is
-- dropped silently: a locale left out is a plan_skips row with the reason.
CREATE OR REPLACE TEMP TABLE t_kb_tr AS
WITH parents AS (
    SELECT 'article' AS parent_type, source_id AS parent_id, source_locale AS locale FROM kb_articles
    UNION ALL SELECT 'section', source_id, locale FROM kb_sections
    UNION ALL SELECT 'category', source_id, locale FROM kb_categories
), joined AS (
    SELECT t.*, p.locale AS parent_locale, l.target, pl.target AS parent_target
    FROM kb_translations t
    JOIN parents p ON p.parent_type = t.parent_type AND p.parent_id = t.parent_id
    LEFT JOIN t_kb_locales l ON l.source = t.locale
    LEFT JOIN t_kb_locales pl ON pl.source = p.locale
), ranked AS (
    -- Two source locales can become one Intercom locale (en-gb, en-us → en): the exact code wins,
    -- then the lowest id.
    SELECT *, row_number() OVER (PARTITION BY parent_type, parent_id, target
        ORDER BY replace(lower(locale), '_', '-') = lower(target) DESC, id_key(source_id), source_id) AS rank
    FROM joined
)
SELECT source_id, parent_type, parent_id, locale, target, title, body_html, state,
    CASE
        WHEN locale = parent_locale THEN 'source'
        WHEN NOT x.translations THEN 'off'
        WHEN target IS NULL THEN 'unsupported'
        WHEN target = parent_target OR rank > 1 THEN 'duplicate'
        ELSE 'migrate'
    END AS fate
FROM ranked CROSS JOIN t_kb_ctx x;

-- A section's translations go with it only where it stays a section of its own: a flattened
-- section's name carries its path, which its translations do not.
UPDATE t_kb_tr SET fate = 'flattened'
WHERE fate = 'migrate' AND parent_type = 'section'
  AND parent_id NOT IN (SELECT translated_from FROM t_kb_collections WHERE translated_from IS NOT NULL);

INSERT INTO t_skips
SELECT 'kb_translations', source_id, CASE fate
    WHEN 'flattened' THEN 'translation of a section that is flattened or not migrated'
    WHEN 'off' THEN 'translations not migrated (kb.translations is off)'
    WHEN 'unsupported' THEN 'locale not supported by Intercom: ' || locale
    ELSE 'another translation has the same Intercom locale' END
FROM t_kb_tr WHERE fate IN ('off', 'unsupported', 'duplicate', 'flattened');

INSERT INTO t_policy
SELECT 'kb_translations', source_id, 'kb_locale_unsupported', 'locale not supported by Intercom: ' || locale
FROM t_kb_tr WHERE fate = 'unsupported';

-- translated_content per record, in Intercom's shape, keys in locale order so payloads are stable
-- (json_group_object takes no ORDER BY, string_agg does).
CREATE OR REPLACE TEMP TABLE t_kb_translated AS
SELECT t.parent_type, t.parent_id,
    json_merge_patch(
        json_object('type', CASE t.parent_type WHEN 'article' THEN 'article_translated_content' ELSE 'group_translated_content' END),
        CAST('{' || string_agg(to_json(t.target)::TEXT || ':' || CAST(CASE t.parent_type
            WHEN 'article' THEN json_object('type', 'article_content', 'title', t.title, 'body', t.body_html,
                'author_id', TRY_CAST(coalesce(au.admin_id, x.default_admin_id) AS BIGINT),
                'state', coalesce(t.state, 'published'))
            ELSE json_object('type', 'group_content', 'name', t.title, 'description', coalesce(t.body_html, ''))
        END AS TEXT), ',' ORDER BY t.target) || '}' AS JSON)) AS translated_content,
    list(t.target ORDER BY t.target) AS locales
FROM t_kb_tr t
-- Article translations carry the article's author: Intercom's article_content wants one.
LEFT JOIN kb_articles a ON t.parent_type = 'article' AND a.source_id = t.parent_id
LEFT JOIN t_kb_authors au ON au.source_id = a.author_id
CROSS JOIN t_kb_ctx x
WHERE t.fate = 'migrate'
GROUP BY t.parent_type, t.parent_id;
