-- Deleted tickets are skipped ("deleted at the source"), with their comments, attachments and
-- tags: ticket 102 was deleted from the start, ticket 103 was live in the first snapshot and
-- deleted in the second. A ticket without a requester cannot be created and is skipped, its
-- comments too.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_tickets (snapshot_id, source_id, created_at, updated_at, subject, description, status, requester_id, tags, deleted) VALUES
    (1, '101', '2024-01-02 10:00:00', '2024-01-02 10:00:00', 'Live', 'kept', 'new', '11', ['kept'], false),
    (1, '102', '2024-01-03 10:00:00', '2024-01-03 10:00:00', 'Spam', 'buy now', 'deleted', '11', ['spam'], true),
    (1, '103', '2024-01-04 10:00:00', '2024-01-04 10:00:00', 'Mistake', 'oops', 'open', '11', ['oops'], false),
    (2, '103', '2024-01-04 10:00:00', '2024-01-05 10:00:00', 'Mistake', 'oops', 'deleted', '11', ['oops'], true),
    (1, '104', '2024-01-06 10:00:00', '2024-01-06 10:00:00', 'Orphan', 'who asked?', 'open', NULL, NULL, false);
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>kept</p>'),
    ('1002', '2024-01-03 10:00:00', '102', '11', true, '<p>buy now</p>'),
    ('1003', '2024-01-04 10:00:00', '103', '11', true, '<p>oops</p>'),
    ('1004', '2024-01-06 10:00:00', '104', '11', true, '<p>who asked?</p>');
INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url) VALUES
    ('7001', '1002', '102', 'spam.exe', 'application/x-msdownload', 1, 'https://acme.zendesk.com/a/7001');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted'), ('5', 'in_progress', 'In progress');
