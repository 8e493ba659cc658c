-- Comments → parts (replies and notes) with their attachments.

-- How each comment lands: an agent's comment is the mapped admin's reply (public) or note
-- (private). An end user's comment is that user's reply, private or not, because an Intercom note
-- is always an admin's. A comment without an author is the default admin's.
CREATE OR REPLACE TEMP TABLE t_part_heads AS
SELECT c.source_id, c.ticket_id, c.author_id, c.public, c.body_html, c.body_text, c.created_at,
    c.author_id IS NULL OR c.author_id IN (SELECT source_id FROM t_agent_ids) AS by_admin
FROM t_comments c;

INSERT INTO t_notes
SELECT 'comments', source_id,
    CASE WHEN author_id IS NULL THEN 'comment without an author: posted by the default admin'
        ELSE 'private comment by an end user: posted as a reply by that user (Intercom notes are by admins only)'
    END
FROM t_part_heads WHERE author_id IS NULL OR (NOT by_admin AND NOT public);

-- Attachments sent as files: inline ones are images inside body_html, not attachments.
CREATE OR REPLACE TEMP TABLE t_attachments AS
SELECT a.source_id, a.comment_id, c.ticket_id, a.file_name, a.content_type, a.size, a.content_url,
    lower(regexp_extract(a.file_name, '\.([^.]+)$', 1)) AS ext,
    list_contains(x.blocked_types, lower(regexp_extract(a.file_name, '\.([^.]+)$', 1))) AS blocked,
    NOT list_contains(x.allowed_types, lower(regexp_extract(a.file_name, '\.([^.]+)$', 1))) AS not_allowed
FROM attachments a JOIN t_comments c ON c.source_id = a.comment_id CROSS JOIN t_context x
WHERE NOT coalesce(a.inline, false);

-- Intercom refuses executables whatever the workspace allows, and other types until the workspace
-- allows them: sending them would fail the part, and with it the rest of the thread.
INSERT INTO t_skips
SELECT 'attachments', source_id,
    CASE WHEN blocked THEN 'blocked file type .' || ext
        WHEN content_url IS NULL THEN 'no content URL'
        ELSE 'file type .' || coalesce(nullif(ext, ''), '(none)') || ' is not allowed by the target (allow it in the '
            || 'workspace''s attachment settings, then add it to target.options.allow_attachment_types)'
    END
FROM t_attachments WHERE blocked OR not_allowed OR content_url IS NULL;

-- At most 10 attachments per part (Intercom's limit for attachment_urls and attachment_files):
-- the 11th and later go to follow-up parts n = 1, 2, … of the same comment.
CREATE OR REPLACE TABLE plan_attachments AS
WITH kept AS (
    SELECT *, row_number() OVER (PARTITION BY comment_id ORDER BY id_key(source_id), source_id) - 1 AS idx
    FROM t_attachments WHERE NOT blocked AND NOT not_allowed AND content_url IS NOT NULL
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
        WHEN coalesce(h.body_html, '') <> '' THEN h.body_html
        ELSE '<p>' || replace(html_escape(coalesce(h.body_text, '')), chr(10), '<br>') || '</p>'
    END AS body,
    unix_s(h.created_at) AS created_at,
    h.created_at AS source_created_at,
    coalesce(f.attachments, '[]') AS attachments,
    c.skip_notifications
FROM heads h CROSS JOIN t_context c
LEFT JOIN files f ON f.comment_id = h.source_id AND f.part_n = h.n
LEFT JOIN t_agent_map am ON am.source_id = h.author_id
ORDER BY id_key(h.ticket_id), h.created_at, id_key(h.source_id), h.n;
