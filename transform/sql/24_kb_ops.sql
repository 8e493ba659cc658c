-- The knowledge base's ops, appended to plan_ops after the tickets' (docs/load-plan.md):
--   stage 20 collection      top-level collections (categories, the default category)
--   stage 21 collection      their sections (parent_ref names the top-level collection)
--   stage 22 article         articles (parent_ref names their section)
--   stage 23 article_update  bodies with internal links, rewritten once every article exists

CREATE OR REPLACE TABLE plan_kb_collections AS
SELECT c.op_id, c.entity, c.source_id, c.source_kind, c.level, c.parent_ref, c.name,
    coalesce(tr.locales, []) AS locales, tr.translated_content, c.description, c.position
FROM t_kb_collections c
LEFT JOIN t_kb_translated tr ON tr.parent_id = c.translated_from
    AND tr.parent_type = CASE c.source_kind WHEN 'category' THEN 'category' ELSE 'section' END
ORDER BY c.op_id;

CREATE OR REPLACE TABLE plan_kb_articles AS
SELECT op_id, source_id, title, state, author_admin_id, section_op AS section_ref, new_path AS path,
    locales, translated_content, body_html
FROM t_kb_articles ORDER BY op_id;

CREATE OR REPLACE TEMP TABLE t_kb_ops AS
SELECT op_id, 19 + level AS stage, 'collection' AS kind, entity, source_id,
    payload(json_object('name', name, 'description', description, 'parent_ref', parent_ref,
        'translated_content', translated_content)) AS payload,
    list_filter([parent_ref], r -> r IS NOT NULL) AS refs,
    [lpad(CAST(position AS TEXT), 12, '0'), id_key(source_id)] AS ord
FROM plan_kb_collections

UNION ALL
SELECT op_id, 22, 'article', 'kb_articles', source_id,
    payload(json_object('title', title, 'body', body_html, 'author_id', TRY_CAST(author_admin_id AS BIGINT),
        'state', state, 'parent_type', 'collection', 'parent_ref', section_ref,
        'translated_content', translated_content)),
    [section_ref], [id_key(source_id)]
FROM plan_kb_articles

UNION ALL
SELECT 'article_update:' || a.source_id, 23, 'article_update', 'kb_article_links', a.source_id,
    payload(json_object('article_ref', a.op_id, 'body', a.body_html, 'translated_content', a.translated_content,
        'links', l.links)),
    list_distinct(list_prepend(a.op_id, l.refs)), [id_key(a.source_id)]
FROM plan_kb_articles a
JOIN (
    SELECT article_id,
        CAST('[' || string_agg(CAST(json_object('href', href, 'ref', 'article:' || target_article_id) AS TEXT), ',' ORDER BY href) || ']' AS JSON) AS links,
        list(DISTINCT 'article:' || target_article_id) AS refs
    FROM t_kb_links WHERE resolved GROUP BY article_id
) l ON l.article_id = a.source_id;

-- Numbered after the tickets' ops, in batches of batch_size per stage and kind (no chains here).
INSERT INTO plan_ops
WITH base AS (SELECT coalesce(max(seq), 0) AS last FROM plan_ops),
numbered AS (
    SELECT o.*, b.last + row_number() OVER (ORDER BY stage, kind, ord, op_id) AS seq
    FROM t_kb_ops o CROSS JOIN base b
), positioned AS (
    SELECT *, row_number() OVER (PARTITION BY stage, kind ORDER BY seq) - 1 AS pos FROM numbered
)
SELECT op_id, seq, stage, kind, entity, source_id,
    printf('%d-%s-%05d', stage, kind, pos // x.batch_size + 1), '', list_sort(refs), payload
FROM positioned CROSS JOIN t_kb_ctx x
ORDER BY seq;
