-- Every option and data policy at once, each with its plan_notes code: a date range (created in
-- [2024-01-03, 2024-01-06)), a custom tag, inline images taken out, a size limit, source ids kept
-- in ticket attributes, phones read with region US (one valid national number, one normalised,
-- one invalid: dropped from the contact and kept in source_phone, which the plan creates),
-- unassigned tickets given to a team, and a reply by an agent without an admin posted by the
-- default admin with "Originally by".
INSERT INTO raw_contacts (source_id, created_at, name, email, phone, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', '(415) 555-2671', 'end-user'),
    ('12', '2023-06-01 10:00:00', 'Bob Builder', 'bob@example.com', 'call me', 'end-user'),
    ('13', '2023-06-01 10:00:00', 'Cy Young', 'cy@example.com', '+14155552672', 'end-user'),
    ('14', '2023-06-01 10:00:00', 'Di Prince', 'di@example.com', '+44 20 7946 0000', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'grace@support.example', 'agent', true),
    ('22', '2022-01-01 00:00:00', 'Linus <Former>', 'linus@old-domain.example', 'agent', false);
INSERT INTO raw_tickets (source_id, created_at, updated_at, subject, description, status, requester_id, assignee_id) VALUES
    ('101', '2024-01-02 10:00:00', '2024-01-09 10:00:00', 'Too early', 'a', 'open', '11', '21'),
    ('102', '2024-01-03 10:00:00', '2024-01-04 08:30:00', 'In range', 'b', 'open', '12', NULL),
    ('103', '2024-01-05 23:59:59', '2024-01-06 00:00:00', 'Last second', 'c', 'open', '13', '21'),
    ('104', '2024-01-06 00:00:00', '2024-01-06 00:00:00', 'Too late', 'd', 'open', '14', '21');
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>out of range</p>'),
    ('1002', '2024-01-03 10:00:00', '102', '12', true, '<p>see <IMG src="https://acme.zendesk.com/i.png" alt="x"> here</p>'),
    ('1003', '2024-01-03 10:05:00', '102', '22', true, '<p>by an agent who left</p>'),
    ('1004', '2024-01-05 23:59:59', '103', '21', true, '<p>big files</p>');
INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url, inline) VALUES
    ('7001', '1004', '103', 'small.pdf', 'application/pdf', 1000, 'https://acme.zendesk.com/a/7001', false),
    ('7002', '1004', '103', 'huge.pdf', 'application/pdf', 1001, 'https://acme.zendesk.com/a/7002', false),
    ('7003', '1002', '102', 'i.png', 'image/png', 5, 'https://acme.zendesk.com/i.png', true);

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
INSERT INTO target_teams VALUES ('801', 'Escalations');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted'), ('5', 'in_progress', 'In progress');
