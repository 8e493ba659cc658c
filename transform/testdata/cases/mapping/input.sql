-- The pipeline file's mapping: an agent sent to another admin than its email's, an agent whose
-- entry is empty (default admin though its email matches), a group onto a team of another name,
-- a status onto a custom state by label, priority and channel kept in attributes (values renamed,
-- one created), a ticket field renamed with a default, one left out, and contact and company
-- fields filled into data attributes (one created, one existing, one default; values converted
-- to the attribute's type, one that does not convert noted), and ticket types
-- by the source type: incident onto an existing type, task onto a type the plan creates (with
-- the fields' attributes on each type used), question onto the configured type.
INSERT INTO raw_companies (source_id, created_at, name, custom_fields) VALUES
    ('301', '2023-05-01 09:00:00', 'Acme Corp', '{"plan_tier":"gold","seats":40}'),
    ('302', '2023-05-01 09:00:00', 'Other Inc', '{"seats":"many","plan_tier":7}');
INSERT INTO raw_contacts (source_id, created_at, name, email, role, organization_id, custom_fields) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user', '301', '{"customer_tier":"vip","langs":["en","fr"]}'),
    ('12', '2023-06-01 10:00:00', 'Bob Builder', 'bob@example.com', 'end-user', '302', '{"customer_tier":null}');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'grace@support.example', 'agent', true),
    ('22', '2022-01-01 00:00:00', 'Alan Turing', 'alan@support.example', 'agent', true);
INSERT INTO raw_groups (source_id, created_at, name) VALUES ('31', '2022-01-01 00:00:00', 'Tier 1');
INSERT INTO raw_ticket_fields (source_id, created_at, title, type, active, options) VALUES
    ('501', '2022-01-01 00:00:00', 'Order number', 'integer', true, NULL),
    ('502', '2022-01-01 00:00:00', 'Internal memo', 'text', true, NULL);
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, priority, type, channel, requester_id,
        assignee_id, group_id, custom_fields) VALUES
    ('101', '2024-01-02 10:00:00', 'One', 'a', 'hold', 'urgent', 'incident', 'email', '11', '21', '31', '{"501":"4711","502":"secret"}'),
    ('102', '2024-01-03 10:00:00', 'Two', 'b', 'open', 'low', NULL, 'web', '12', '22', NULL, '{"501":null,"502":"x"}'),
    ('103', '2024-01-04 10:00:00', 'Three', 'c', 'new', NULL, 'task', 'web', '12', '22', NULL, NULL),
    ('104', '2024-01-05 10:00:00', 'Four', 'd', 'new', NULL, 'question', 'web', '12', '22', NULL, NULL);

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES
    ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example'),
    ('9003', 'Lead', 'lead@acme.example'), ('9004', 'Alan', 'alan@support.example');
INSERT INTO target_teams VALUES ('801', 'First line');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer'), ('62', 'Incident', 'Customer');
INSERT INTO target_ticket_type_attributes VALUES ('61', 'a1', 'Priority', 'string');
INSERT INTO target_ticket_states VALUES
    ('4', 'submitted', 'Submitted'), ('5', 'in_progress', 'In progress'), ('15', 'in_progress', 'Waiting on engineering'),
    ('6', 'waiting_on_customer', 'Waiting on customer'), ('7', 'resolved', 'Resolved');
INSERT INTO target_data_attributes VALUES ('company', 'Plan tier', 'string');
