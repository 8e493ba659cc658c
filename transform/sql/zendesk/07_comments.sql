-- Zendesk target: comments with their authors and attachments, carried inside their ticket's
-- import. Event parts without a body (assignment, close, …) and without files have nothing to
-- show in a Zendesk thread: they are skipped with their kind.

CREATE OR REPLACE TEMP TABLE t_zd_heads AS
SELECT c.source_id, c.ticket_id, c.author_id, c.public, c.body_text, c.channel, c.created_at,
    CASE WHEN x.skip_inline_images THEN regexp_replace(c.body_html, '<img\b[^>]*>', '', 'gi') ELSE c.body_html END AS body_html,
    x.skip_inline_images AND regexp_matches(c.body_html, '<img\b', 'i') AS images_removed,
    c.author_id IS NULL OR c.author_id IN (SELECT source_id FROM t_agent_ids) AS by_agent
FROM t_comments c CROSS JOIN t_context x
UNION ALL
-- An Intercom ticket's description is an attribute, not a part: it opens the thread, by the
-- requester, as a help desk's first comment does.
SELECT 'description:' || t.source_id, t.source_id, t.requester_id, true, t.description, 'description', t.created_at,
    NULL, false, t.requester_id IN (SELECT source_id FROM t_agent_ids)
FROM t_tickets t WHERE t.channel = 'ticket' AND coalesce(trim(t.description), '') <> '';

-- Attachments sent as files (inline images live in the body), with the policies Zendesk needs:
-- an upload is at most 50 MB whatever options.attachments.max_size_mb allows.
CREATE OR REPLACE TEMP TABLE t_zd_attachments AS
SELECT a.source_id, a.comment_id, a.file_name, a.content_type, a.size, a.content_url,
    CASE
        WHEN x.skip_attachments THEN 'attachment_skipped'
        WHEN a.content_url IS NULL THEN 'attachment_no_url'
        WHEN a.size > x.max_attachment_bytes THEN 'attachment_too_large'
    END AS skip_code, x.max_attachment_bytes AS max_bytes
FROM attachments a JOIN t_comments c ON c.source_id = a.comment_id
CROSS JOIN (SELECT skip_attachments, least(max_attachment_bytes, 52428800) AS max_attachment_bytes FROM t_context) x
WHERE NOT coalesce(a.inline, false);

INSERT INTO t_skips
SELECT 'attachments', source_id, CASE skip_code
    WHEN 'attachment_skipped' THEN 'attachments are not migrated (options.attachments.skip)'
    WHEN 'attachment_no_url' THEN 'no content URL'
    ELSE 'larger than the limit of ' || CASE WHEN max_bytes % 1048576 = 0 THEN (max_bytes // 1048576) || ' MB'
        ELSE max_bytes || ' bytes' END || ' (options.attachments.max_size_mb)' END
FROM t_zd_attachments WHERE skip_code IS NOT NULL;

INSERT INTO t_policy
SELECT 'attachments', a.source_id, a.skip_code, k.reason
FROM t_zd_attachments a JOIN t_skips k ON k.entity = 'attachments' AND k.source_id = a.source_id
WHERE a.skip_code IS NOT NULL;

CREATE OR REPLACE TEMP TABLE t_zd_files AS
SELECT comment_id,
    CAST('[' || string_agg(CAST(json_object('source_id', source_id, 'file_name', file_name,
        'content_type', content_type, 'url', content_url, 'size', size) AS TEXT), ',' ORDER BY id_key(source_id), source_id) || ']' AS JSON) AS files,
    count(*) AS n
FROM t_zd_attachments WHERE skip_code IS NULL GROUP BY comment_id;

CREATE OR REPLACE TEMP TABLE t_zd_notices AS
SELECT comment_id,
    string_agg('<p><em>Attachment not migrated: ' || html_escape(coalesce(file_name, '(no name)')) || '</em></p>', ''
        ORDER BY id_key(source_id), source_id) AS html
FROM t_zd_attachments WHERE skip_code IS NOT NULL GROUP BY comment_id;

-- Parts with nothing to show.
INSERT INTO t_skips
SELECT 'comments', h.source_id, 'no body and no files (source part type ' || coalesce(h.channel, 'unknown') || '): nothing to show in Zendesk'
FROM t_zd_heads h
WHERE coalesce(trim(h.body_html), '') = '' AND coalesce(trim(h.body_text), '') = ''
  AND NOT EXISTS (SELECT 1 FROM t_zd_files f WHERE f.comment_id = h.source_id)
  AND NOT EXISTS (SELECT 1 FROM t_zd_notices n WHERE n.comment_id = h.source_id);

INSERT INTO t_policy
SELECT 'comments', source_id, 'inline_images_removed', 'inline images taken out of the body (options.attachments.skip_inline_images)'
FROM t_zd_heads WHERE images_removed;

INSERT INTO t_policy
SELECT 'comments', h.source_id, 'reply_by_unmatched_agent',
    'agent has no Zendesk agent: posted by the default agent' || CASE WHEN x.originally_by THEN ', "Originally by" their name' ELSE '' END
FROM t_zd_heads h JOIN t_agent_map am ON am.source_id = h.author_id CROSS JOIN t_context x
WHERE h.by_agent AND NOT am.matched;

INSERT INTO t_notes
SELECT 'comments', source_id, 'comment without an author: posted by the default agent'
FROM t_zd_heads WHERE author_id IS NULL;

-- One row per comment that goes: an agent's comment is the mapped agent's (the default agent's,
-- with "Originally by NAME", when none matched); an end user's names the user's op.
CREATE OR REPLACE TABLE plan_comments AS
SELECT h.source_id, h.ticket_id, h.channel,
    CASE WHEN h.by_agent THEN TRY_CAST(coalesce(am.admin_id, c.default_admin_id) AS BIGINT) END AS author_id,
    CASE WHEN NOT h.by_agent THEN 'user:' || h.author_id END AS author_ref,
    CASE WHEN h.by_agent AND c.originally_by AND NOT coalesce(am.matched, true)
        THEN '<p><em>Originally by ' || html_escape(coalesce(nullif(trim(am.name), ''), 'agent ' || h.author_id)) || '</em></p>'
        ELSE '' END
    || CASE WHEN coalesce(h.body_html, '') <> '' THEN h.body_html
        ELSE '<p>' || replace(html_escape(coalesce(h.body_text, '')), chr(10), '<br>') || '</p>' END
    || coalesce(n.html, '') AS html_body,
    h.public, h.created_at AS source_created_at, iso(h.created_at) AS created_at, f.files AS attachments
FROM t_zd_heads h CROSS JOIN t_context c
LEFT JOIN t_agent_map am ON am.source_id = h.author_id
LEFT JOIN t_zd_files f ON f.comment_id = h.source_id
LEFT JOIN t_zd_notices n ON n.comment_id = h.source_id
WHERE NOT EXISTS (SELECT 1 FROM t_skips k WHERE k.entity = 'comments' AND k.source_id = h.source_id)
ORDER BY id_key(h.ticket_id), h.created_at, id_key(h.source_id), h.source_id;

CREATE OR REPLACE TABLE plan_attachments AS
SELECT a.source_id, a.comment_id, c.ticket_id, a.file_name, a.content_type, a.size, a.content_url AS url
FROM t_zd_attachments a JOIN plan_comments c ON c.source_id = a.comment_id
WHERE a.skip_code IS NULL
ORDER BY id_key(c.ticket_id), id_key(a.comment_id), id_key(a.source_id), a.source_id;
