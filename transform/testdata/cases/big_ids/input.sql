-- Zendesk ids pass 2^53 (9007199254740992): they stay exact strings and sort numerically, so
-- 99 < 100 < 9007199254740992 < 9007199254740993 < 18446744073709551615 in seq, in parts' order
-- (same created_at, so the comment id decides) and in the mapping, where string order would differ.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('9007199254740993', '2023-06-01 10:00:00', 'Big One', 'big1@example.com', 'end-user'),
    ('9007199254740992', '2023-06-01 10:00:00', 'Big Zero', 'big0@example.com', 'end-user'),
    ('100', '2023-06-01 10:00:00', 'Hundred', 'h@example.com', 'end-user'),
    ('99', '2023-06-01 10:00:00', 'Ninety-nine', 'n@example.com', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('18446744073709551615', '2022-01-01 00:00:00', 'Max', 'max@support.example', 'agent', true),
    ('9007199254740995', '2022-01-01 00:00:00', 'Min', 'min@support.example', 'agent', true);
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id, assignee_id) VALUES
    ('9007199254740993', '2024-01-02 10:00:00', 'b', 'b', 'new', '9007199254740993', '18446744073709551615'),
    ('9007199254740992', '2024-01-02 10:00:00', 'a', 'a', 'new', '9007199254740992', '9007199254740995'),
    ('100', '2024-01-02 10:00:00', 'h', 'h', 'new', '100', NULL),
    ('99', '2024-01-02 10:00:00', 'n', 'n', 'new', '99', NULL);
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('9007199254740999', '2024-01-02 10:00:00', '9007199254740993', '9007199254740993', true, '<p>3</p>'),
    ('9007199254740998', '2024-01-02 10:00:00', '9007199254740993', '18446744073709551615', true, '<p>2</p>'),
    ('10000000000000000', '2024-01-02 10:00:00', '9007199254740993', '18446744073709551615', true, '<p>4</p>'),
    ('999', '2024-01-02 10:00:00', '9007199254740993', '9007199254740993', true, '<p>1</p>');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Max', 'max@support.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
