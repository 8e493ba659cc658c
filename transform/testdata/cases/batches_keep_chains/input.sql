-- Batches of 2 ops: contacts and tickets are cut every 2 ops; parts are cut by ticket, so no
-- ticket's parts span two batches: a batch takes every ticket whose first part falls inside it,
-- whole (ticket 101's three parts share one batch).
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'A', 'a@example.com', 'end-user'),
    ('12', '2023-06-01 10:00:00', 'B', 'b@example.com', 'end-user'),
    ('13', '2023-06-01 10:00:00', 'C', 'c@example.com', 'end-user');
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id) VALUES
    ('101', '2024-01-02 10:00:00', 's', 'd', 'new', '11'),
    ('102', '2024-01-02 10:00:00', 's', 'd', 'new', '12'),
    ('103', '2024-01-02 10:00:00', 's', 'd', 'new', '13'),
    ('104', '2024-01-02 10:00:00', 's', 'd', 'new', '13');
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>1</p>'),
    ('1002', '2024-01-02 10:01:00', '101', '11', true, '<p>2</p>'),
    ('1003', '2024-01-02 10:02:00', '101', '11', true, '<p>3</p>'),
    ('1004', '2024-01-02 10:00:00', '102', '12', true, '<p>1</p>'),
    ('1005', '2024-01-02 10:00:00', '103', '13', true, '<p>1</p>'),
    ('1006', '2024-01-02 10:01:00', '103', '13', true, '<p>2</p>'),
    ('1007', '2024-01-02 10:00:00', '104', '13', true, '<p>1</p>');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
