-- options.attachments.skip: no attachment goes, each is skipped with its code and named on its
-- part; no tag (options.tag: ""); phone validation off, so the invalid phone goes as given; the
-- date range by updated_at keeps the ticket updated inside it; an unassigned ticket goes to an
-- admin; replies by an unmatched agent without "Originally by"; notifications not skipped
-- (options.notifications.skip: false), so every payload says skip_notifications: false.
INSERT INTO raw_contacts (source_id, created_at, name, email, phone, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'call me', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('22', '2022-01-01 00:00:00', 'Linus Former', 'linus@old-domain.example', 'agent', false);
INSERT INTO raw_tickets (source_id, created_at, updated_at, subject, description, status, requester_id, tags) VALUES
    ('101', '2020-01-02 10:00:00', '2024-02-01 10:00:00', 'Old but updated', 'a', 'new', '11', ['vip']),
    ('102', '2024-01-03 10:00:00', '2024-01-03 10:00:00', 'Not updated since', 'b', 'new', '11', []);
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2020-01-02 10:00:00', '101', '22', true, '<p>files</p>');
INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url, inline) VALUES
    ('7001', '1001', '101', 'report.pdf', 'application/pdf', 10, 'https://acme.zendesk.com/a/7001', false),
    ('7002', '1001', '101', 'a&b.txt', 'text/plain', 10, 'https://acme.zendesk.com/a/7002', false);

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9003', 'Lead', 'lead@acme.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
