-- An Intercom note is always an admin's: a private comment by an end user becomes a reply by
-- that user, and transform_notes says so. Also: an agent who requested a ticket gets a contact
-- (an Intercom ticket needs one); a comment author the staging does not know (a user deleted at
-- the source) gets a contact from its id alone; a comment without an author is the default admin's.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'Grace@Support.example', 'agent', true);
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id, assignee_id) VALUES
    ('101', '2024-01-02 10:00:00', 'Private', 'Psst', 'open', '11', '21'),
    ('102', '2024-01-03 10:00:00', 'Agent asks', 'For a colleague', 'new', '21', NULL);
INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>Psst</p>'),
    ('1002', '2024-01-02 10:01:00', '101', '11', false, '<p>only for agents, I thought</p>'),
    ('1003', '2024-01-02 10:02:00', '101', '21', false, '<p>a real note</p>'),
    ('1004', '2024-01-02 10:03:00', '101', '19', true, '<p>from a deleted user</p>'),
    ('1005', '2024-01-02 10:04:00', '101', NULL, true, '<p>from the system</p>'),
    ('1006', '2024-01-03 10:00:00', '102', '21', true, '<p>For a colleague</p>');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted'), ('5', 'in_progress', 'In progress');
