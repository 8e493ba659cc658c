-- 23 attachments on one comment: Intercom takes at most 10 per part, so the comment becomes three
-- parts (10, 10, 3) with op ids :0, :1, :2, the same author, kind and time, and a placeholder body
-- on the follow-ups. Attachments go in numeric id order (1, 2, …, 10, not 1, 10, 11). A comment
-- with exactly 10 stays one part. Public attachments are sent by URL (download false).
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'grace@support.example', 'agent', true);
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id) VALUES
    ('101', '2024-01-02 10:00:00', 'Photos', 'See attached', 'new', '11');
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '21', false, '<p>All the photos</p>'),
    ('1002', '2024-01-02 10:30:00', '101', '11', true, '<p>Ten more</p>');
INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url)
SELECT CAST(i AS TEXT), '1001', '101', 'photo-' || i || '.jpg', 'image/jpeg', 1000 + i,
    'https://cdn.example/photo-' || i || '.jpg'
FROM range(1, 24) r(i);
INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url)
SELECT CAST(100 + i AS TEXT), '1002', '101', 'more-' || i || '.pdf', 'application/pdf', i,
    'https://cdn.example/more-' || i || '.pdf'
FROM range(1, 11) r(i);

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
