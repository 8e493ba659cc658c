-- Which tickets are migrated, and the skips of those that are not.

-- Deleted tickets: the canonical views already hide them and their comments; the skip lets the
-- load record a `skipped` event so the report accounts for every source ticket.
INSERT INTO t_skips
SELECT 'tickets', source_id, 'deleted at the source' FROM deleted_tickets;

-- An Intercom ticket or conversation is always from a contact: a ticket without a requester cannot
-- be created, and neither can its comments.
INSERT INTO t_skips
SELECT 'tickets', source_id, 'no requester' FROM tickets WHERE requester_id IS NULL;

-- The date range option: only tickets created (or updated) in [date_from, date_to).
CREATE OR REPLACE TEMP TABLE t_out_of_range AS
SELECT source_id, date_range_by, ts FROM (
    SELECT t.source_id, c.date_range_by, c.date_from, c.date_to,
        CASE WHEN c.date_range_by = 'updated' THEN t.updated_at ELSE t.created_at END AS ts
    FROM tickets t CROSS JOIN t_context c
    WHERE t.requester_id IS NOT NULL AND (c.date_from IS NOT NULL OR c.date_to IS NOT NULL)
) WHERE ts < coalesce(date_from, ts) OR ts >= coalesce(date_to, ts + INTERVAL 1 SECOND);

INSERT INTO t_policy
SELECT 'tickets', source_id, 'ticket_out_of_range',
    date_range_by || ' ' || strftime(ts, '%Y-%m-%d %H:%M:%S') || ': outside options.date_range'
FROM t_out_of_range;
INSERT INTO t_skips SELECT entity, source_id, 'outside the date range (options.date_range)' FROM t_policy
WHERE code = 'ticket_out_of_range';

CREATE OR REPLACE TEMP TABLE t_tickets AS
SELECT * EXCLUDE (payload) FROM tickets
WHERE requester_id IS NOT NULL AND source_id NOT IN (SELECT source_id FROM t_out_of_range);

-- Comments whose ticket is not migrated (no requester, or a ticket the extract never staged).
INSERT INTO t_skips
SELECT 'comments', c.source_id,
    CASE WHEN t.source_id IS NULL THEN 'its ticket is not in staging'
        WHEN t.requester_id IS NULL THEN 'its ticket has no requester'
        ELSE 'its ticket is outside the date range (options.date_range)' END
FROM comments c LEFT JOIN tickets t ON t.source_id = c.ticket_id
WHERE t.source_id IS NULL OR t.requester_id IS NULL OR c.ticket_id IN (SELECT source_id FROM t_out_of_range);

-- The comments that become parts.
CREATE OR REPLACE TEMP TABLE t_comments AS
SELECT c.* EXCLUDE (payload) FROM comments c JOIN t_tickets t ON t.source_id = c.ticket_id;
