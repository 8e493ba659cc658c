-- Which tickets are migrated, and the skips of those that are not.

-- Deleted tickets: the canonical views already hide them and their comments; the skip lets the
-- load record a `skipped` event so the report accounts for every source ticket.
INSERT INTO t_skips
SELECT 'tickets', source_id, 'deleted at the source' FROM deleted_tickets;

-- An Intercom ticket or conversation is always from a contact: a ticket without a requester cannot
-- be created, and neither can its comments.
INSERT INTO t_skips
SELECT 'tickets', source_id, 'no requester' FROM tickets WHERE requester_id IS NULL;

CREATE OR REPLACE TEMP TABLE t_tickets AS
SELECT * EXCLUDE (payload) FROM tickets WHERE requester_id IS NOT NULL;

-- Comments whose ticket is not migrated (no requester, or a ticket the extract never staged).
INSERT INTO t_skips
SELECT 'comments', c.source_id,
    CASE WHEN t.source_id IS NULL THEN 'its ticket is not in staging' ELSE 'its ticket has no requester' END
FROM comments c LEFT JOIN tickets t ON t.source_id = c.ticket_id
WHERE t.source_id IS NULL OR t.requester_id IS NULL;

-- The comments that become parts.
CREATE OR REPLACE TEMP TABLE t_comments AS
SELECT c.* EXCLUDE (payload) FROM comments c JOIN t_tickets t ON t.source_id = c.ticket_id;
