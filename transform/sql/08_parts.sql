-- Comments → parts (replies and notes) with their attachments.

-- How each comment lands: an agent's comment is the mapped admin's reply (public) or note
-- (private). An end user's comment is that user's reply, private or not, because an Intercom note
-- is always an admin's. A comment without an author is the default admin's.
-- With options.attachments.skip_inline_images, images are taken out of the HTML body (their
-- source URLs would otherwise stay, pointing at the old help desk).
CREATE OR REPLACE TEMP TABLE t_part_heads AS
SELECT c.source_id, c.ticket_id, c.author_id, c.public, c.body_text, c.created_at,
    CASE WHEN x.skip_inline_images THEN regexp_replace(c.body_html, '<img\b[^>]*>', '', 'gi') ELSE c.body_html END AS body_html,
    x.skip_inline_images AND regexp_matches(c.body_html, '<img\b', 'i') AS images_removed,
    c.author_id IS NULL OR c.author_id IN (SELECT source_id FROM t_agent_ids) AS by_admin
FROM t_comments c CROSS JOIN t_context x;

INSERT INTO t_policy
SELECT 'comments', source_id, 'inline_images_removed', 'inline images taken out of the body (options.attachments.skip_inline_images)'
FROM t_part_heads WHERE images_removed;

-- A reply by an agent with no admin is posted by the default admin; with originally_by it says
-- whose it was.
INSERT INTO t_policy
SELECT 'comments', h.source_id, 'reply_by_unmatched_agent',
    'agent has no admin: posted by the default admin' || CASE WHEN x.originally_by THEN ', "Originally by" their name' ELSE '' END
FROM t_part_heads h JOIN t_agent_map am ON am.source_id = h.author_id CROSS JOIN t_context x
WHERE h.by_admin AND NOT am.matched;

INSERT INTO t_notes
SELECT 'comments', source_id,
    CASE WHEN author_id IS NULL THEN 'comment without an author: posted by the default admin'
        ELSE 'private comment by an end user: posted as a reply by that user (Intercom notes are by admins only)'
    END
FROM t_part_heads WHERE author_id IS NULL OR (NOT by_admin AND NOT public);

-- Attachments sent as files: inline ones are images inside body_html, not attachments. Each that
-- cannot or must not go gets a skip code: the options say so, Intercom refuses executables
-- whatever the workspace allows and other types until the workspace allows them, and files over
-- the size limit; sending them would fail the part, and with it the rest of the thread.
CREATE OR REPLACE TEMP TABLE t_attachments AS
SELECT *,
    CASE
        WHEN skip_all THEN 'attachment_skipped'
        WHEN blocked THEN 'attachment_blocked'
        WHEN content_url IS NULL THEN 'attachment_no_url'
        WHEN not_allowed THEN 'attachment_type_not_allowed'
        WHEN size > max_bytes THEN 'attachment_too_large'
    END AS skip_code
FROM (
    SELECT a.source_id, a.comment_id, c.ticket_id, a.file_name, a.content_type, a.size, a.content_url,
        lower(regexp_extract(a.file_name, '\.([^.]+)$', 1)) AS ext,
        list_contains(x.blocked_types, lower(regexp_extract(a.file_name, '\.([^.]+)$', 1))) AS blocked,
        NOT list_contains(x.allowed_types, lower(regexp_extract(a.file_name, '\.([^.]+)$', 1))) AS not_allowed,
        x.skip_attachments AS skip_all, x.max_attachment_bytes AS max_bytes
    FROM attachments a JOIN t_comments c ON c.source_id = a.comment_id CROSS JOIN t_context x
    WHERE NOT coalesce(a.inline, false)
);

INSERT INTO t_skips
SELECT 'attachments', source_id,
    CASE skip_code
        WHEN 'attachment_skipped' THEN 'attachments are not migrated (options.attachments.skip)'
        WHEN 'attachment_blocked' THEN 'blocked file type .' || ext
        WHEN 'attachment_no_url' THEN 'no content URL'
        WHEN 'attachment_type_not_allowed' THEN 'file type .' || coalesce(nullif(ext, ''), '(none)') || ' is not allowed by the target (allow it in the '
            || 'workspace''s attachment settings, then add it to options.attachments.allow_types)'
        ELSE 'larger than the limit of ' || CASE WHEN max_bytes % 1048576 = 0 THEN (max_bytes // 1048576) || ' MB'
            ELSE max_bytes || ' bytes' END || ' (options.attachments.max_size_mb)'
    END
FROM t_attachments WHERE skip_code IS NOT NULL;

INSERT INTO t_policy
SELECT 'attachments', a.source_id, a.skip_code, k.reason
FROM t_attachments a JOIN t_skips k ON k.entity = 'attachments' AND k.source_id = a.source_id
WHERE a.skip_code IS NOT NULL;

-- What a reader of the thread sees instead of an attachment that did not go: a line on its part.
CREATE OR REPLACE TEMP TABLE t_attachment_notices AS
SELECT comment_id,
    string_agg('<p><em>Attachment not migrated: ' || html_escape(coalesce(file_name, '(no name)')) || ' ('
        || CASE skip_code
            WHEN 'attachment_skipped' THEN 'attachments were not migrated'
            WHEN 'attachment_blocked' THEN 'file type blocked by Intercom'
            WHEN 'attachment_no_url' THEN 'no content at the source'
            WHEN 'attachment_type_not_allowed' THEN 'file type not allowed in this workspace'
            ELSE 'file too large' END
        || ')</em></p>', '' ORDER BY id_key(source_id), source_id) AS html
FROM t_attachments WHERE skip_code IS NOT NULL
GROUP BY comment_id;

-- At most 10 attachments per part (Intercom's limit for attachment_urls and attachment_files):
-- the 11th and later go to follow-up parts n = 1, 2, … of the same comment.
CREATE OR REPLACE TABLE plan_attachments AS
WITH kept AS (
    SELECT *, row_number() OVER (PARTITION BY comment_id ORDER BY id_key(source_id), source_id) - 1 AS idx
    FROM t_attachments WHERE skip_code IS NULL
)
SELECT 'part:' || k.ticket_id || ':' || k.comment_id || ':' || (k.idx // 10) AS op_id,
    k.source_id, k.comment_id, k.ticket_id, k.idx // 10 AS part_n, k.idx % 10 AS position,
    k.file_name, k.content_type, k.size, k.content_url AS url,
    -- Behind the source's authentication unless configured public: the load downloads those.
    c.attachments_download AS download
FROM kept k CROSS JOIN t_context c
ORDER BY id_key(k.ticket_id), id_key(k.comment_id), k.idx;

CREATE OR REPLACE TABLE plan_parts AS
WITH files AS (
    SELECT op_id, comment_id, part_n,
        to_json(list({'source_id': source_id, 'file_name': file_name, 'content_type': content_type,
                      'size': size, 'url': url, 'download': download} ORDER BY position)) AS attachments
    FROM plan_attachments GROUP BY ALL
), heads AS (
    SELECT h.*, unnest(range(0, coalesce((SELECT max(part_n) FROM files f WHERE f.comment_id = h.source_id), 0) + 1)) AS n
    FROM t_part_heads h
)
SELECT 'part:' || h.ticket_id || ':' || h.source_id || ':' || h.n AS op_id, h.source_id, h.ticket_id, h.n,
    'ticket:' || h.ticket_id AS chain,
    c.ticket_mode AS parent, c.ticket_mode || ':' || h.ticket_id AS parent_ref,
    CASE WHEN h.by_admin AND NOT h.public THEN 'note' ELSE 'comment' END AS message_type,
    CASE WHEN h.by_admin THEN 'admin' ELSE 'user' END AS author_type,
    CASE WHEN h.by_admin THEN coalesce(am.admin_id, c.default_admin_id) END AS admin_id,
    CASE WHEN NOT h.by_admin THEN 'contact:' || h.author_id END AS contact_ref,
    h.author_id, h.public,
    CASE
        WHEN h.n > 0 THEN '<p>Attachments (continued)</p>'
        ELSE
            CASE WHEN h.by_admin AND c.originally_by AND NOT coalesce(am.matched, true)
                THEN '<p><em>Originally by ' || html_escape(coalesce(nullif(trim(am.name), ''), 'agent ' || h.author_id)) || '</em></p>'
                ELSE '' END
            || CASE WHEN coalesce(h.body_html, '') <> '' THEN h.body_html
                ELSE '<p>' || replace(html_escape(coalesce(h.body_text, '')), chr(10), '<br>') || '</p>' END
            || coalesce(an.html, '')
    END AS body,
    unix_s(h.created_at) AS created_at,
    h.created_at AS source_created_at,
    coalesce(f.attachments, '[]') AS attachments,
    c.skip_notifications
FROM heads h CROSS JOIN t_context c
LEFT JOIN files f ON f.comment_id = h.source_id AND f.part_n = h.n
LEFT JOIN t_agent_map am ON am.source_id = h.author_id
LEFT JOIN t_attachment_notices an ON an.comment_id = h.source_id AND h.n = 0
ORDER BY id_key(h.ticket_id), h.created_at, id_key(h.source_id), h.n;
