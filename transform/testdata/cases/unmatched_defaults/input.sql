-- Agents without an admin of their email and groups without a team of their name fall back to
-- the configured defaults (matched case-insensitively) and are counted as unmatched. An assignee
-- the staging does not know (deleted at the source) and a group that is gone count too.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'grace@support.example', 'agent', true),
    ('22', '2022-01-01 00:00:00', 'Linus Former', 'linus@old-domain.example', 'agent', false),
    ('23', '2022-01-01 00:00:00', 'No Email', NULL, 'admin', true);
INSERT INTO raw_groups (source_id, created_at, name) VALUES
    ('31', '2022-01-01 00:00:00', 'Billing'),
    ('32', '2022-01-01 00:00:00', 'Hardware');

INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id, assignee_id, group_id) VALUES
    ('101', '2024-01-02 10:00:00', 'Matched', 'a', 'open', '11', '21', '31'),
    ('102', '2024-01-03 10:00:00', 'Unmatched agent and group', 'b', 'open', '11', '22', '32'),
    ('103', '2024-01-04 10:00:00', 'Unknown agent, gone group', 'c', 'open', '11', '29', '39'),
    ('104', '2024-01-05 10:00:00', 'Agent without email', 'd', 'open', '11', '23', NULL);

INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html) VALUES
    ('1001', '2024-01-03 10:01:00', '102', '22', true, '<p>by an agent who left</p>'),
    ('1002', '2024-01-03 10:02:00', '102', '22', false, '<p>a note by an agent who left</p>');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES
    ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example'), ('9003', 'Lead', 'lead@acme.example');
INSERT INTO target_teams VALUES ('801', 'billing'), ('802', 'Escalations');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted'), ('5', 'in_progress', 'In progress');
