-- Executables are never sent (Intercom refuses them whatever the workspace allows): each is a
-- plan_skips row naming the extension, matched case-insensitively; the other attachments of the
-- comment still go. An attachment without a URL cannot be sent either; a file without an extension
-- is not blocked; inline images stay in the body and are neither sent nor skipped.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id) VALUES
    ('101', '2024-01-02 10:00:00', 'Installer', 'Please run this', 'new', '11');
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>Please run this <img src="https://acme.zendesk.com/i.png"></p>');
INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url, inline) VALUES
    ('7001', '1001', '101', 'setup.exe', 'application/x-msdownload', 5000, 'https://acme.zendesk.com/a/7001', false),
    ('7002', '1001', '101', 'DRIVER.SYS', 'application/octet-stream', 100, 'https://acme.zendesk.com/a/7002', false),
    ('7003', '1001', '101', 'readme.txt', 'text/plain', 10, 'https://acme.zendesk.com/a/7003', false),
    ('7004', '1001', '101', 'Makefile', NULL, 20, 'https://acme.zendesk.com/a/7004', false),
    ('7005', '1001', '101', 'lost.pdf', 'application/pdf', 30, NULL, false),
    ('7006', '1001', '101', 'i.png', 'image/png', 40, 'https://acme.zendesk.com/i.png', true),
    ('7007', '1001', '101', 'archive.tar.exe', 'application/octet-stream', 50, 'https://acme.zendesk.com/a/7007', false);

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
