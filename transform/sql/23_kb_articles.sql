-- Articles and their internal links. An article's body can link to other articles of the same
-- help center (/hc/<locale>/articles/<id>…): those links are rewritten by an article_update op
-- once every article exists (the loader swaps each href for the new article's URL). A link to an
-- article that is not migrated stays as it was and is counted (plan_notes kb_link_unresolved).
CREATE OR REPLACE TEMP TABLE t_kb_articles AS
SELECT 'article:' || a.source_id AS op_id, a.source_id, a.title, a.body_html, coalesce(a.state, 'published') AS state,
    coalesce(au.admin_id, x.default_admin_id) AS author_admin_id, p.section_op, p.new_path,
    a.position, a.created_at, tr.translated_content, coalesce(tr.locales, []) AS locales, a.source_locale
FROM kb_articles a
JOIN t_kb_place p USING (source_id)
LEFT JOIN t_kb_authors au ON au.source_id = a.author_id
LEFT JOIN t_kb_translated tr ON tr.parent_type = 'article' AND tr.parent_id = a.source_id
CROSS JOIN t_kb_ctx x;

CREATE OR REPLACE TEMP TABLE t_kb_links AS
WITH bodies AS (
    SELECT a.source_id AS article_id, a.body_html AS body FROM kb_articles a
    UNION ALL SELECT t.parent_id, t.body_html FROM t_kb_tr t WHERE t.parent_type = 'article' AND t.fate = 'migrate'
), hrefs AS (
    SELECT DISTINCT article_id, unnest(regexp_extract_all(body, 'href="([^"]*)"', 1)) AS href FROM bodies
)
SELECT h.article_id, h.href, regexp_extract(h.href, '/articles/([0-9]+)', 1) AS target_article_id,
    EXISTS (SELECT 1 FROM kb_articles a WHERE a.source_id = regexp_extract(h.href, '/articles/([0-9]+)', 1)) AS resolved
FROM hrefs h
WHERE regexp_matches(h.href, '/hc/([A-Za-z_-]+/)?articles/[0-9]+');

CREATE OR REPLACE TABLE plan_kb_links AS
SELECT 'article_update:' || article_id AS op_id, article_id, href, target_article_id, resolved
FROM t_kb_links ORDER BY id_key(article_id), href;

INSERT INTO t_policy
SELECT DISTINCT 'kb_articles', article_id, 'kb_link_unresolved', 'links to an article that is not migrated: left as it was'
FROM t_kb_links WHERE NOT resolved;

INSERT INTO t_policy
SELECT 'kb_articles', article_id, 'kb_moved', reason FROM plan_kb_moves;

INSERT INTO t_notes
SELECT 'kb_articles', article_id, 'knowledge base: ' || reason FROM plan_kb_moves
UNION ALL SELECT DISTINCT 'kb_articles', article_id, 'knowledge base: link to an article that is not migrated'
FROM t_kb_links WHERE NOT resolved;

-- Article attachments stay where the source serves them: Intercom articles have no attachment
-- API, and a body's links and images keep pointing at the source's files.
INSERT INTO t_policy
SELECT 'kb_attachments', source_id, 'kb_attachment_linked', 'article attachment left at the source URL'
FROM kb_attachments WHERE article_id IN (SELECT source_id FROM kb_articles);
